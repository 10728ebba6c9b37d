#include "server/telemetry/metrics.h"

#include <string_view>

#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/telemetry/exposition.h"

namespace netdisk::server::telemetry {
namespace {

constexpr std::array<std::string_view, kLinkCount> kLinkNames = {"tcp", "http", "https",
                                                                 "websocket"};
constexpr std::array<std::string_view, 4> kTransportNames = {"tcp", "http", "websocket",
                                                             "admin"};

// How many error codes there are: every code's name reads back as that code, and a number past
// the last one has none of its own (errc_name calls it internal_error).
std::size_t count_error_codes() {
  std::size_t count = 0;
  while (errc_from_name(errc_name(static_cast<Errc>(count))) == static_cast<Errc>(count)) ++count;
  return count;
}

std::string_view op_name(std::size_t row) {
  auto table = ops::all_ops();
  return row < table.size() ? table[row].name : std::string_view("unknown");
}

std::string_view result_name(std::size_t column) {
  return column == 0 ? std::string_view("ok") : errc_name(static_cast<Errc>(column - 1));
}

template <std::size_t N>
void append_histogram_of(std::string& out, std::string_view name,
                         std::span<const Label> labels, const Histogram<N>& histogram) {
  auto snap = histogram.snapshot();
  append_histogram(out, name, labels, histogram.bounds(), snap.counts, snap.sum_seconds);
}

}  // namespace

Metrics::Metrics(bool enabled)
    : enabled_(enabled),
      op_rows_(ops::all_ops().size() + 1),
      result_columns_(count_error_codes() + 1),
      op_results_(std::make_unique<Counter[]>(op_rows_ * result_columns_)) {
  op_latency_.reserve(op_rows_);
  for (std::size_t i = 0; i < op_rows_; ++i) {
    op_latency_.push_back(std::make_unique<LatencyHistogram>(kLatencyBounds));
  }
}

Metrics::~Metrics() = default;

void Metrics::connection_opened(Link link) noexcept {
  if (!enabled_) return;
  auto index = static_cast<std::size_t>(link);
  connections_accepted_[index].add();
  connections_open_[index].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::connection_closed(Link link) noexcept {
  if (!enabled_) return;
  connections_open_[static_cast<std::size_t>(link)].fetch_sub(1, std::memory_order_relaxed);
}

Metrics::Counter& Metrics::op_cell(std::size_t op, std::size_t result) const noexcept {
  return op_results_[op * result_columns_ + result];
}

void Metrics::op_done(const OpOutcome& outcome) noexcept {
  if (!enabled_) return;
  std::size_t row = outcome.op_index < op_rows_ ? outcome.op_index : op_rows_ - 1;
  std::size_t column = outcome.error ? static_cast<std::size_t>(*outcome.error) + 1 : 0;
  if (column >= result_columns_) column = static_cast<std::size_t>(Errc::internal_error) + 1;
  op_cell(row, column).add();
  op_latency_[row]->observe(outcome.elapsed);
  auto transport = static_cast<std::size_t>(outcome.transport) % kTransportCount;
  if (outcome.bytes_in != 0) bytes_in_[transport].add(outcome.bytes_in);
  if (outcome.bytes_out != 0) bytes_out_[transport].add(outcome.bytes_out);
  if (outcome.transfer == Direction::in) transfer_in_.observe(outcome.elapsed);
  if (outcome.transfer == Direction::out) transfer_out_.observe(outcome.elapsed);
  // Logins and chat messages are ops' results (the op table's Tally says which ops), so the
  // account and chat code need no hooks.
  auto table = ops::all_ops();
  auto tally = row < table.size() ? table[row].tally : ops::Tally::none;
  if (tally == ops::Tally::login && outcome.error) {
    if (*outcome.error == Errc::auth_failed) login_wrong_password_.add();
    if (*outcome.error == Errc::account_disabled) login_disabled_.add();
    if (*outcome.error == Errc::rate_limited) logins_throttled_.add();
  }
  if (tally == ops::Tally::chat_message && !outcome.error) chat_messages_.add();
}

void Metrics::append_to(std::string& out) const {
  append_connections(out);
  append_ops(out);
  append_bytes_and_transfers(out);
  append_accounts_and_chat(out);
}

void Metrics::append_connections(std::string& out) const {
  append_family(out, "netdisk_connections_open", "gauge",
                "Connections open now, by transport (a WebSocket is also an HTTP connection)");
  for (std::size_t i = 0; i < kLinkCount; ++i) {
    const Label labels[] = {{"transport", kLinkNames[i]}};
    append_sample(out, "netdisk_connections_open", labels,
                  static_cast<double>(connections_open_[i].load(std::memory_order_relaxed)));
  }
  append_family(out, "netdisk_connections_accepted_total", "counter",
                "Connections accepted since start, by transport");
  for (std::size_t i = 0; i < kLinkCount; ++i) {
    const Label labels[] = {{"transport", kLinkNames[i]}};
    append_sample(out, "netdisk_connections_accepted_total", labels,
                  connections_accepted_[i].get());
  }
}

// Only the (op, result) pairs that happened: most of the table's cross product never does.
void Metrics::append_ops(std::string& out) const {
  append_family(out, "netdisk_operations_total", "counter",
                "Operations finished, by op and result (ok or the error code)");
  for (std::size_t row = 0; row < op_rows_; ++row) {
    for (std::size_t column = 0; column < result_columns_; ++column) {
      auto count = op_cell(row, column).get();
      if (count == 0) continue;
      const Label labels[] = {{"op", op_name(row)}, {"result", result_name(column)}};
      append_sample(out, "netdisk_operations_total", labels, count);
    }
  }
  append_family(out, "netdisk_operation_duration_seconds", "histogram",
                "Time from an operation's dispatch to its end (a stream's last byte included), "
                "by op");
  for (std::size_t row = 0; row < op_rows_; ++row) {
    if (op_latency_[row]->snapshot().total() == 0) continue;
    const Label labels[] = {{"op", op_name(row)}};
    append_histogram_of(out, "netdisk_operation_duration_seconds", labels, *op_latency_[row]);
  }
}

void Metrics::append_bytes_and_transfers(std::string& out) const {
  append_family(out, "netdisk_received_bytes_total", "counter",
                "File bytes received from clients (uploads), by transport");
  for (std::size_t i = 0; i < kTransportCount; ++i) {
    const Label labels[] = {{"transport", kTransportNames[i]}};
    append_sample(out, "netdisk_received_bytes_total", labels, bytes_in_[i].get());
  }
  append_family(out, "netdisk_sent_bytes_total", "counter",
                "File bytes sent to clients (downloads), by transport");
  for (std::size_t i = 0; i < kTransportCount; ++i) {
    const Label labels[] = {{"transport", kTransportNames[i]}};
    append_sample(out, "netdisk_sent_bytes_total", labels, bytes_out_[i].get());
  }
  append_family(out, "netdisk_transfer_duration_seconds", "histogram",
                "Time a stream of file bytes took, by direction (in: upload, out: download)");
  const Label in[] = {{"direction", "in"}};
  append_histogram_of(out, "netdisk_transfer_duration_seconds", in, transfer_in_);
  const Label out_labels[] = {{"direction", "out"}};
  append_histogram_of(out, "netdisk_transfer_duration_seconds", out_labels, transfer_out_);
}

void Metrics::append_accounts_and_chat(std::string& out) const {
  append_family(out, "netdisk_login_failures_total", "counter",
                "Refused logins, by reason (an unknown user counts as wrong_password, as the "
                "client is told)");
  const Label wrong[] = {{"reason", "wrong_password"}};
  append_sample(out, "netdisk_login_failures_total", wrong, login_wrong_password_.get());
  const Label disabled[] = {{"reason", "disabled"}};
  append_sample(out, "netdisk_login_failures_total", disabled, login_disabled_.get());
  append_family(out, "netdisk_logins_throttled_total", "counter",
                "Logins refused by the login throttle before the password was checked");
  append_sample(out, "netdisk_logins_throttled_total", {}, logins_throttled_.get());
  append_family(out, "netdisk_chat_messages_total", "counter",
                "Chat messages sent (to the room or privately)");
  append_sample(out, "netdisk_chat_messages_total", {}, chat_messages_.get());
}

}  // namespace netdisk::server::telemetry
