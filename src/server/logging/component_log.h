// The component loggers (server, tcp, http, dav, chat, accounts, storage, admin, op): spdlog
// loggers in spdlog's registry sharing one sink (stderr, or --log-file), each with its own
// level from --log-level. start_logging() runs once in main() before any thread starts;
// apply_log_levels() and reopen_log_file() are safe from any thread afterwards (the reload).
#pragma once

#include <filesystem>
#include <string>

#include <spdlog/logger.h>

#include "server/logging/log_levels.h"

namespace netdisk::server {

// Creates every component logger with one shared sink: stderr when `log_file` is empty, else
// that file (appended, created 0640). "server" becomes the default logger. Throws
// std::runtime_error when the file cannot be opened.
void start_logging(const std::filesystem::path& log_file);

// Sets every component logger's level.
void apply_log_levels(const LogLevels& levels);

// Reopens --log-file under its name (after logrotate renamed it). Returns "" on success or
// when logging goes to stderr, else the reason; the old file then stays in use.
std::string reopen_log_file();

enum class LogComponent { server, tcp, http, dav, chat, accounts, storage, admin, op };

// The component's logger, or the default logger before start_logging() (unit tests).
spdlog::logger& log_of(LogComponent component);

}  // namespace netdisk::server
