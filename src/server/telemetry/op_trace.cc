#include "server/telemetry/op_trace.h"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"
#include "server/ops/op_table.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/telemetry/op_line.h"

namespace netdisk::server::telemetry {
namespace {

constexpr std::array<std::string_view, 4> kTransportNames = {"tcp", "http", "websocket",
                                                             "admin"};

// The "op" component logger (server/logging/component_log.h: it lives as long as the process,
// so a plain pointer is safe; before start_logging, the default logger). Null when it would
// not print an info line. No registry lookup: that takes spdlog's registry mutex.
spdlog::logger* op_logger() {
  auto* logger = &log_of(LogComponent::op);
  return logger->should_log(spdlog::level::info) ? logger : nullptr;
}

std::string path_of(const nlohmann::json& body) {
  if (!body.is_object()) return {};
  auto found = body.find("path");
  if (found == body.end() || !found->is_string()) return {};
  return found->get<std::string>();
}

}  // namespace

OpTrace::OpTrace(Metrics& metrics, const ops::OpInfo* op, const ops::OpCall& call,
                 OpClock::time_point started, std::optional<Errc> error, Direction stream)
    : logger_(op_logger()),
      op_(op),
      transport_(static_cast<int>(call.session.transport())),
      stream_(stream),
      started_(started),
      error_(error) {
  if (!metrics.enabled() && !logger_) return;  // nothing to record
  metrics_ = &metrics;
  auto table = ops::all_ops();
  op_index_ = op != nullptr ? static_cast<std::size_t>(op - table.data()) : table.size();
  if (!logger_) return;
  if (call.session.user()) user_ = *call.session.user();
  address_ = call.session.address();
  path_ = path_of(call.body);
  // upload.data names no path: its upload, begun by the upload op, does.
  if (path_.empty() && call.session.upload()) path_ = call.session.upload()->path;
}

OpTrace::OpTrace(OpTrace&& other) noexcept { *this = std::move(other); }

OpTrace& OpTrace::operator=(OpTrace&& other) noexcept {
  if (this == &other) return *this;
  finish();
  metrics_ = std::exchange(other.metrics_, nullptr);
  logger_ = std::exchange(other.logger_, nullptr);
  op_ = other.op_;
  op_index_ = other.op_index_;
  transport_ = other.transport_;
  stream_ = other.stream_;
  started_ = other.started_;
  error_ = other.error_;
  bytes_in_ = other.bytes_in_;
  bytes_out_ = other.bytes_out_;
  user_ = std::move(other.user_);
  address_ = std::move(other.address_);
  path_ = std::move(other.path_);
  return *this;
}

void OpTrace::finish() noexcept {
  if (metrics_ == nullptr) return;
  auto* metrics = std::exchange(metrics_, nullptr);
  auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(OpClock::now() - started_);
  OpOutcome outcome;
  outcome.op_index = op_index_;
  outcome.transport = static_cast<ops::Transport>(transport_);
  outcome.error = error_;
  outcome.elapsed = elapsed;
  outcome.bytes_in = bytes_in_;
  outcome.bytes_out = bytes_out_;
  outcome.transfer = stream_;
  metrics->op_done(outcome);
  if (!logger_) return;
  try {
    log_line(elapsed);
  } catch (...) {
    // A log line that cannot be written (no memory) must not take the request down.
  }
  logger_ = nullptr;
}

void OpTrace::log_line(std::chrono::nanoseconds elapsed) const {
  OpLine line;
  line.op = op_ != nullptr ? op_->name : std::string_view("unknown");
  line.transport = kTransportNames[static_cast<std::size_t>(transport_) % kTransportNames.size()];
  line.user = user_;
  line.address = address_;
  line.path = path_;
  line.bytes_in = bytes_in_;
  line.bytes_out = bytes_out_;
  line.elapsed = elapsed;
  line.result = error_ ? errc_name(*error_) : std::string_view("ok");
  logger_->info("{}", format_op_line(line));
}

}  // namespace netdisk::server::telemetry
