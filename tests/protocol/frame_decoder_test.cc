#include "protocol/frame_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "protocol/frame.h"

namespace netdisk::protocol {
namespace {

// Feeds `bytes` to the decoder in pieces of `chunk` bytes and collects every frame.
std::vector<std::string> feed(FrameDecoder& decoder, std::string_view bytes, std::size_t chunk) {
  std::vector<std::string> frames;
  while (!bytes.empty()) {
    std::size_t n = std::min(chunk, bytes.size());
    auto space = decoder.prepare(n);
    std::memcpy(space.data(), bytes.data(), n);
    decoder.commit(n);
    bytes.remove_prefix(n);
    while (true) {
      auto frame = decoder.next();
      EXPECT_TRUE(frame.ok()) << frame.error().message;
      if (!frame.ok() || !*frame) break;
      frames.emplace_back(**frame);
    }
  }
  return frames;
}

std::string header(std::uint32_t length) {
  return {static_cast<char>(length >> 24), static_cast<char>(length >> 16),
          static_cast<char>(length >> 8), static_cast<char>(length)};
}

TEST(FrameEncoder, WritesABigEndianLengthBeforeThePayload) {
  EXPECT_EQ(encode_frame("abc"), std::string("\0\0\0\3abc", 7));
  std::string big(0x012345, 'x');
  auto frame = encode_frame(big);
  EXPECT_EQ(frame.substr(0, 4), header(0x012345));
}

TEST(FrameDecoder, DeliversSeveralFramesThatArriveInOneRead) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  std::string stream = encode_frame("one") + encode_frame("two") + encode_frame("three");
  EXPECT_EQ(feed(decoder, stream, stream.size()),
            (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameDecoder, ReassemblesAFrameSplitOverManyReadsByteByByte) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  std::string payload(5000, 'p');
  std::string stream = encode_frame(payload) + encode_frame("tail");
  EXPECT_EQ(feed(decoder, stream, 1), (std::vector<std::string>{payload, "tail"}));
}

TEST(FrameDecoder, WaitsForTheRestOfAPartialHeader) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  std::string stream = encode_frame("hello");
  EXPECT_TRUE(feed(decoder, stream.substr(0, 2), 2).empty());
  EXPECT_EQ(decoder.buffered(), 2u);
  EXPECT_EQ(feed(decoder, stream.substr(2), 3), std::vector<std::string>{"hello"});
}

TEST(FrameDecoder, EveryChunkSizeGivesTheSameFrames) {
  std::string stream;
  std::vector<std::string> expected;
  for (int i = 1; i <= 40; ++i) {
    expected.push_back(std::string(static_cast<std::size_t>(i * 37), static_cast<char>('a' + i % 26)));
    stream += encode_frame(expected.back());
  }
  for (std::size_t chunk : {1u, 2u, 3u, 4u, 5u, 7u, 64u, 1000u, 100000u}) {
    FrameDecoder decoder(kDefaultMaxFrameBytes);
    EXPECT_EQ(feed(decoder, stream, chunk), expected) << "chunk " << chunk;
  }
}

TEST(FrameDecoder, RefusesALengthOverTheMaximumWithoutAllocatingIt) {
  for (std::uint32_t length : {0xFFFFFFFFu, 0x7FFFFFFFu, 4097u}) {
    FrameDecoder decoder(4096);
    std::string stream = header(length) + "xy";
    auto space = decoder.prepare(stream.size());
    std::memcpy(space.data(), stream.data(), stream.size());
    decoder.commit(stream.size());
    auto frame = decoder.next();
    ASSERT_FALSE(frame.ok());
    EXPECT_EQ(frame.error().code, Errc::frame_too_large);
    EXPECT_LT(decoder.capacity(), 64u * 1024) << "declared length must never be allocated";
    // The error is sticky: the stream cannot be resynchronised.
    EXPECT_FALSE(decoder.next().ok());
  }
}

TEST(FrameDecoder, AcceptsAFrameOfExactlyTheMaximum) {
  FrameDecoder decoder(4096);
  std::string payload(4096, 'm');
  EXPECT_EQ(feed(decoder, encode_frame(payload), 1000), std::vector<std::string>{payload});
}

TEST(FrameDecoder, RefusesAZeroLengthFrame) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  std::string stream = header(0);
  auto space = decoder.prepare(4);
  std::memcpy(space.data(), stream.data(), 4);
  decoder.commit(4);
  auto frame = decoder.next();
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, Errc::bad_frame);
}

TEST(FrameDecoder, ReportsAFrameTruncatedByEndOfStream) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  std::string stream = encode_frame("complete") + encode_frame("cut short").substr(0, 7);
  EXPECT_EQ(feed(decoder, stream, 5), std::vector<std::string>{"complete"});
  auto status = decoder.finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::bad_frame);
}

TEST(FrameDecoder, CleanEndOfStreamBetweenFramesIsFine) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  feed(decoder, encode_frame("a"), 10);
  EXPECT_TRUE(decoder.finish().ok());
}

TEST(FrameDecoder, HandsOutRawStreamBytesThatFollowAFrame) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  std::string stream = encode_frame("data follows") + "RAWBYTES" + encode_frame("next");
  auto space = decoder.prepare(stream.size());
  std::memcpy(space.data(), stream.data(), stream.size());
  decoder.commit(stream.size());
  auto first = decoder.next();
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ(**first, "data follows");
  auto raw = decoder.take_raw(8);
  EXPECT_EQ(std::string_view(raw.data(), raw.size()), "RAWBYTES");
  auto second = decoder.next();
  ASSERT_TRUE(second.ok() && *second);
  EXPECT_EQ(**second, "next");
}

TEST(FrameDecoder, ReleasesItsBufferWhenIdle) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  feed(decoder, encode_frame(std::string(10000, 'z')), 10004);
  decoder.release_if_empty();
  EXPECT_EQ(decoder.capacity(), 0u);
}

TEST(FrameDecoder, KeepsABufferThatStillHoldsAPartialFrame) {
  FrameDecoder decoder(kDefaultMaxFrameBytes);
  feed(decoder, encode_frame("partial").substr(0, 6), 6);
  decoder.release_if_empty();
  EXPECT_EQ(decoder.buffered(), 6u);
}

}  // namespace
}  // namespace netdisk::protocol
