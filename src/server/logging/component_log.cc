#include "server/logging/component_log.h"

#include <atomic>
#include <memory>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "server/logging/reopenable_file_sink.h"

namespace netdisk::server {
namespace {

// The pattern of every line (docs/ADMIN.md): time, level, [component], message.
constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v";

// Set once by start_logging() and kept for the life of the process: the loggers are never
// replaced (levels change in place), so a pointer handed out stays valid.
std::array<std::atomic<spdlog::logger*>, kLogComponents.size()> g_loggers{};
std::shared_ptr<ReopenableFileSink> g_file_sink;
// Every logger ever made, so a pointer read from g_loggers before a second start_logging()
// (tests) never dangles.
std::vector<std::shared_ptr<spdlog::logger>> g_kept;

}  // namespace

void start_logging(const std::filesystem::path& log_file) {
  spdlog::sink_ptr sink;
  if (log_file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  } else {
    g_file_sink = std::make_shared<ReopenableFileSink>(log_file);
    sink = g_file_sink;
  }
  for (std::size_t i = 0; i < kLogComponents.size(); ++i) {
    std::string name(kLogComponents[i]);
    if (auto old = spdlog::get(name)) spdlog::drop(name);
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_pattern(kPattern);
    if (i == 0) {
      spdlog::set_default_logger(logger);  // registers it too
    } else {
      spdlog::register_logger(logger);
    }
    g_kept.push_back(logger);
    g_loggers[i].store(logger.get(), std::memory_order_release);
  }
}

void apply_log_levels(const LogLevels& levels) {
  for (std::size_t i = 0; i < kLogComponents.size(); ++i) {
    if (auto* logger = g_loggers[i].load(std::memory_order_acquire)) {
      logger->set_level(levels.level_of(kLogComponents[i]));
    }
  }
}

std::string reopen_log_file() {
  if (!g_file_sink) return {};
  return g_file_sink->reopen();
}

spdlog::logger& log_of(LogComponent component) {
  auto* logger = g_loggers[static_cast<std::size_t>(component)].load(std::memory_order_acquire);
  return logger != nullptr ? *logger : *spdlog::default_logger_raw();
}

}  // namespace netdisk::server
