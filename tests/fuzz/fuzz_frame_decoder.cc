// fuzz_frame_decoder: drives FrameDecoder the way a session does (prepare/commit of reads of
// arbitrary sizes, next() until empty, take_raw() for byte streams, a change of max_frame after
// the handshake, release_if_empty() when idle) and compares every answer with a tiny reference
// decoder that sees the same bytes as one flat string. Checks, besides equality with the model:
// no frame is longer than max_frame, the buffer never grows beyond what the bytes actually
// received need (so a declared length is never allocated), and errors are sticky.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "protocol/frame.h"
#include "protocol/frame_decoder.h"

namespace {

using netdisk::Errc;
using netdisk::protocol::FrameDecoder;
using netdisk::protocol::kFrameHeaderBytes;

// The protocol written out naively: everything received so far is in `stream`, `pos` is the
// first unconsumed byte.
struct ModelDecoder {
  std::string stream;
  std::size_t pos = 0;
  std::size_t max_frame = 0;
  std::optional<Errc> failed;

  std::size_t buffered() const { return stream.size() - pos; }

  // nullopt: need more bytes; an empty optional error means a frame in `frame`.
  std::optional<std::optional<Errc>> next(std::string_view& frame) {
    if (failed) return std::optional<Errc>{failed};
    if (buffered() < 4) return std::nullopt;
    std::uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>(stream[pos + i]);
    if (length == 0) failed = Errc::bad_frame;
    else if (length > max_frame) failed = Errc::frame_too_large;
    if (failed) return std::optional<Errc>{failed};
    if (buffered() - 4 < length) return std::nullopt;
    frame = std::string_view(stream).substr(pos + 4, length);
    pos += 4 + length;
    return std::optional<Errc>{};
  }
};

constexpr std::size_t kMaxFrameChoices[] = {1, 2, 7, 64, 4096, 65536, 1u << 20, 16u << 20,
                                            0xffffffffu};

// Takes every available frame from both decoders and checks they agree.
void drain(FrameDecoder& decoder, ModelDecoder& model, FuzzedDataProvider& input) {
  for (int guard = 0; guard < 100000; ++guard) {
    auto got = decoder.next();
    std::string_view want_frame;
    auto want = model.next(want_frame);
    if (!want) {  // model needs more bytes
      FUZZ_CHECK(got.ok() && !got->has_value());
      return;
    }
    if (*want) {  // model failed
      FUZZ_CHECK(!got.ok() && got.error().code == **want);
      // Sticky: asking again gives the same error.
      auto again = decoder.next();
      FUZZ_CHECK(!again.ok() && again.error().code == **want);
      return;
    }
    FUZZ_CHECK(got.ok() && got->has_value());
    std::string_view frame = **got;
    FUZZ_CHECK(frame.size() >= 1);
    FUZZ_CHECK(frame.size() <= decoder.max_frame_bytes());
    FUZZ_CHECK(frame == want_frame);
    // Sometimes the frame announces a raw byte stream: take some of it out of the buffer.
    if (input.remaining_bytes() > 0 && input.ConsumeIntegralInRange<int>(0, 7) == 0) {
      std::size_t max = input.ConsumeIntegralInRange<std::size_t>(0, 300);
      auto raw = decoder.take_raw(max);
      std::size_t n = std::min(max, model.buffered());
      FUZZ_CHECK(raw.size() == n);
      FUZZ_CHECK(std::string_view(raw.data(), raw.size()) ==
                 std::string_view(model.stream).substr(model.pos, n));
      model.pos += n;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  std::size_t max_frame = input.PickValueInArray(kMaxFrameChoices);
  FrameDecoder decoder(max_frame);
  ModelDecoder model;
  model.max_frame = max_frame;
  // The largest (bytes pending + bytes asked for) over all prepare() calls: what the buffer
  // really needs. With doubling, capacity may be up to twice that, never more.
  std::size_t peak_need = 0;

  while (input.remaining_bytes() > 0) {
    int action = input.ConsumeIntegralInRange<int>(0, 15);
    if (action == 0) {  // the handshake finished: a new maximum
      std::size_t new_max = input.PickValueInArray(kMaxFrameChoices);
      decoder.set_max_frame_bytes(new_max);
      model.max_frame = new_max;
      continue;
    }
    if (action == 1) {
      decoder.release_if_empty();
      if (model.buffered() == 0) FUZZ_CHECK(decoder.capacity() == 0);
      continue;
    }
    // One read: ask for room, receive up to that many bytes (a short read is normal).
    std::size_t want = input.ConsumeIntegralInRange<std::size_t>(1, 70000);
    std::size_t pending = decoder.buffered();
    FUZZ_CHECK(pending == model.buffered());
    auto room = decoder.prepare(want);
    FUZZ_CHECK(room.size() >= want);
    peak_need = std::max(peak_need, pending + want);
    FUZZ_CHECK(decoder.buffered() == pending);  // prepare() never loses or invents bytes
    std::string bytes = input.ConsumeBytesAsString(want);
    std::memcpy(room.data(), bytes.data(), bytes.size());
    decoder.commit(bytes.size());
    model.stream += bytes;
    FUZZ_CHECK(decoder.capacity() <= 2 * peak_need);
    drain(decoder, model, input);
    FUZZ_CHECK(decoder.buffered() == model.buffered());
  }

  // End of stream.
  auto finished = decoder.finish();
  if (model.failed) {
    FUZZ_CHECK(!finished.ok() && finished.error().code == *model.failed);
  } else if (model.buffered() > 0) {
    FUZZ_CHECK(!finished.ok() && finished.error().code == Errc::bad_frame);
  } else {
    FUZZ_CHECK(finished.ok());
  }
  return 0;
}
