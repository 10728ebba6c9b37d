#include "server/service/service_notify.h"

#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace netdisk::server {
namespace {

void send(const std::string& state) {
  // unset_environment 0: a reload and the shutdown still find NOTIFY_SOCKET after READY=1.
  int sent = sd_notify(0, state.c_str());
  if (sent < 0) {
    spdlog::warn("sd_notify: cannot tell the service manager '{}': {}", state,
                 std::strerror(-sent));
  }
}

}  // namespace

void notify_ready(std::string_view status) { send(fmt::format("READY=1\nSTATUS={}", status)); }

void notify_reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
              static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec));
}

void notify_stopping() { send("STOPPING=1"); }

}  // namespace netdisk::server
