#include "server/service/reloader.h"

#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"
#include "server/service/live_settings.h"
#include "server/service/service_notify.h"
#include "server/services.h"

namespace netdisk::server {

Reloader::Reloader(Services& services, ServerConfig started, Reread reread,
                   std::string ready_status)
    : services_(services),
      started_(started),
      applied_(std::move(started)),
      reread_(std::move(reread)),
      ready_status_(std::move(ready_status)) {}

void Reloader::reload() {
  std::lock_guard lock(mutex_);
  notify_reloading();
  // The log file first: logrotate renamed it and waits for new lines to go to a new one,
  // whatever becomes of the configuration.
  if (auto error = reopen_log_file(); !error.empty()) {
    spdlog::error("SIGHUP: cannot reopen the log file, still writing to the old one: {}", error);
  }
  if (reread_) {
    try {
      // A named local: the configuration outlives the call it came from (see STYLE.md).
      ServerConfig wanted = reread_();
      apply(wanted);
    } catch (const std::exception& error) {
      spdlog::error("SIGHUP: configuration refused, the running one stays: {}", error.what());
    }
  }
  notify_ready(ready_status_);
}

void Reloader::apply(const ServerConfig& wanted) {
  auto live = live_changes(applied_, wanted);
  apply_log_levels(parse_log_levels(wanted.log_level));
  services_.live.apply(wanted);
  services_.accounts.set_live_options(wanted.session_ttl, wanted.credential_cache_ttl,
                                      wanted.workbook_check_interval);
  applied_ = wanted;
  if (live.empty()) {
    spdlog::info("SIGHUP: configuration read again; no live setting changed");
  } else {
    spdlog::info("SIGHUP: configuration read again; applied {}", fmt::join(live, ", "));
  }
  for (const auto& option : restart_changes(started_, wanted)) {
    spdlog::warn("SIGHUP: {} changed but needs a restart; the running value stays", option);
  }
}

boost::asio::awaitable<void> reload_on_sighup(boost::asio::signal_set& hangups, Reloader& reloader,
                                              boost::asio::thread_pool& pool) {
  while (true) {
    auto [error, signal] =
        co_await hangups.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (error) break;
    spdlog::info("signal {}: reloading the configuration", signal);
    // Reading the file and reopening the log touch the disk: never on an I/O thread.
    boost::asio::post(pool, [&reloader] { reloader.reload(); });
  }
}

}  // namespace netdisk::server
