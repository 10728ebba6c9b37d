// Micro-benchmarks of the shared codec (src/protocol) with Google Benchmark: frame encoding,
// frame decoding of many small frames from one buffer, request parsing and reply encoding.
// These are the per-request CPU costs that bound the small-operation rates of netdiskd.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>

#include "protocol/frame.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"

namespace {

using namespace netdisk::protocol;

const std::string kDownload = R"({"op":"download","id":12345,"path":"small/f0042"})";

void BM_EncodeFrame(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    append_frame(out, kDownload);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kDownload.size()));
}
BENCHMARK(BM_EncodeFrame);

void BM_DecodeFrames(benchmark::State& state) {
  std::string wire;
  for (int i = 0; i < 64; ++i) append_frame(wire, kDownload);
  for (auto _ : state) {
    FrameDecoder decoder(kDefaultMaxFrameBytes);
    auto space = decoder.prepare(wire.size());
    std::memcpy(space.data(), wire.data(), wire.size());
    decoder.commit(wire.size());
    int frames = 0;
    while (true) {
      auto frame = decoder.next();
      if (!frame || !*frame) break;
      ++frames;
    }
    benchmark::DoNotOptimize(frames);
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_DecodeFrames);

void BM_ParseRequest(benchmark::State& state) {
  Request request;
  for (auto _ : state) {
    auto status = parse_request(kDownload, request);
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequest);

void BM_EncodeReply(benchmark::State& state) {
  for (auto _ : state) {
    auto frame = encode_reply(12345, {{"size", 4096}, {"offset", 0}, {"version", "1700000000.123-4096"},
                                      {"stream", 4096}});
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeReply);

void BM_ParseReply(benchmark::State& state) {
  std::string payload = R"({"id":12345,"ok":true,"size":4096,"offset":0,"version":"1700000000.123-4096","stream":4096})";
  for (auto _ : state) {
    auto reply = parse_reply(payload);
    benchmark::DoNotOptimize(reply);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReply);

}  // namespace

BENCHMARK_MAIN();
