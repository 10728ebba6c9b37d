// Histogram: a fixed-bucket histogram of durations that any thread records into with relaxed
// atomic adds (no lock, no allocation), and a scrape reads as a snapshot. The buckets are set
// at compile time (kLatencyBounds, kTransferBounds). A snapshot taken while others record may
// be a few observations behind in one place or another; _count is the sum of its buckets, so
// the exposition stays self-consistent. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>

namespace netdisk::server::telemetry {

// Operation latencies: 100 µs to 60 s (seconds).
inline constexpr std::array<double, 18> kLatencyBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
// Transfers of a stream's bytes: 1 ms to an hour (seconds).
inline constexpr std::array<double, 14> kTransferBounds = {
    0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600};

template <std::size_t N>
class Histogram {
 public:
  explicit constexpr Histogram(const std::array<double, N>& bounds) : bounds_(bounds) {}

  void observe(std::chrono::nanoseconds elapsed) noexcept {
    double seconds = std::chrono::duration<double>(elapsed).count();
    std::size_t bucket = 0;
    while (bucket < N && seconds > bounds_[bucket]) ++bucket;
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    auto nanos = elapsed.count() < 0 ? 0 : static_cast<std::uint64_t>(elapsed.count());
    sum_nanos_.fetch_add(nanos, std::memory_order_relaxed);
  }

  struct Snapshot {
    std::array<std::uint64_t, N + 1> counts{};
    double sum_seconds = 0;
    std::uint64_t total() const noexcept {
      std::uint64_t sum = 0;
      for (auto count : counts) sum += count;
      return sum;
    }
  };
  Snapshot snapshot() const noexcept {
    Snapshot snap;
    for (std::size_t i = 0; i <= N; ++i) snap.counts[i] = counts_[i].load(std::memory_order_relaxed);
    snap.sum_seconds = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
    return snap;
  }
  std::span<const double> bounds() const noexcept { return bounds_; }

 private:
  const std::array<double, N>& bounds_;
  std::array<std::atomic<std::uint64_t>, N + 1> counts_{};
  std::atomic<std::uint64_t> sum_nanos_{0};
};

using LatencyHistogram = Histogram<kLatencyBounds.size()>;
using TransferHistogram = Histogram<kTransferBounds.size()>;

}  // namespace netdisk::server::telemetry
