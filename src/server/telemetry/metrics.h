// Metrics: the server's counters, gauges and histograms kept in memory, recorded from any
// I/O thread with relaxed atomic adds on fixed arrays (no lock, no allocation on the hot
// path), and written in the Prometheus text format by a scrape (server/telemetry/scrape.h
// adds what is read at scrape time: disk space, users, process figures). Labels come only from
// fixed sets (transport, op names from the op table, Errc names), never from user input.
// Owned by Services; thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/errc.h"
#include "server/telemetry/histogram.h"

namespace netdisk::server::ops {
enum class Transport;
}

namespace netdisk::server::telemetry {

// What carries connections: the NetDisk TCP protocol, plain HTTP, HTTPS, and the WebSocket
// chat (counted again inside its HTTP connection).
enum class Link { tcp, http, https, websocket };
inline constexpr std::size_t kLinkCount = 4;

// Which way an op's stream moved file bytes, if it had one.
enum class Direction { none, in, out };

// How one operation ended, as server/telemetry/op_trace.h reports it.
struct OpOutcome {
  std::size_t op_index = 0;  // in ops::all_ops(); all_ops().size() for an unknown op
  ops::Transport transport{};
  std::optional<Errc> error;  // nullopt: ok
  std::chrono::nanoseconds elapsed{};
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  Direction transfer = Direction::none;  // a stream's op: its duration is a transfer's too
};

class Metrics {
 public:
  // `enabled` false (--metrics off): every record call returns at once.
  explicit Metrics(bool enabled = true);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  bool enabled() const noexcept { return enabled_; }
  void connection_opened(Link link) noexcept;
  void connection_closed(Link link) noexcept;
  void op_done(const OpOutcome& outcome) noexcept;

  // Appends every family kept here, in the text format.
  void append_to(std::string& out) const;

 private:
  struct Counter {
    std::atomic<std::uint64_t> value{0};
    void add(std::uint64_t n = 1) noexcept { value.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
  };
  static constexpr std::size_t kTransportCount = 4;  // ops::Transport: tcp, http, websocket, admin

  void append_connections(std::string& out) const;
  void append_ops(std::string& out) const;
  void append_bytes_and_transfers(std::string& out) const;
  void append_accounts_and_chat(std::string& out) const;
  Counter& op_cell(std::size_t op, std::size_t result) const noexcept;

  const bool enabled_;
  const std::size_t op_rows_;      // ops in the table, plus one row for unknown ops
  const std::size_t result_columns_;  // "ok", then every Errc
  std::array<std::atomic<std::int64_t>, kLinkCount> connections_open_{};
  std::array<Counter, kLinkCount> connections_accepted_{};
  std::unique_ptr<Counter[]> op_results_;
  std::vector<std::unique_ptr<LatencyHistogram>> op_latency_;  // by op row
  std::array<Counter, kTransportCount> bytes_in_{};
  std::array<Counter, kTransportCount> bytes_out_{};
  TransferHistogram transfer_in_{kTransferBounds};
  TransferHistogram transfer_out_{kTransferBounds};
  Counter login_wrong_password_;
  Counter login_disabled_;
  Counter logins_throttled_;
  Counter chat_messages_;
};

// Counts a connection from construction to destruction (a member of the connection object, or
// a local of the coroutine that serves it).
class ConnectionCount {
 public:
  ConnectionCount(Metrics& metrics, Link link) noexcept : metrics_(metrics), link_(link) {
    metrics_.connection_opened(link_);
  }
  ~ConnectionCount() { metrics_.connection_closed(link_); }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

 private:
  Metrics& metrics_;
  Link link_;
};

}  // namespace netdisk::server::telemetry
