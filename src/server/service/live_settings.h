// LiveSettings: the settings a SIGHUP reload changes while netdiskd runs (docs/ADMIN.md,
// "Operations"), each an atomic that I/O threads read where they once read ServerConfig. A
// reader sees each value old or new, never torn; a connection reads its timeouts when it arms
// a deadline, so a change applies to the next deadline, not to one already armed. Owned by
// Services; apply() is called by the reload, on the blocking pool.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/server_config.h"

namespace netdisk::server {

class LiveSettings {
 public:
  explicit LiveSettings(const ServerConfig& config) { apply(config); }
  LiveSettings(const LiveSettings&) = delete;
  LiveSettings& operator=(const LiveSettings&) = delete;

  // Takes every live value from `config`.
  void apply(const ServerConfig& config);

  std::size_t max_connections() const { return max_connections_.load(kOrder); }
  std::chrono::seconds handshake_timeout() const { return handshake_timeout_.load(kOrder); }
  std::chrono::seconds idle_timeout() const { return idle_timeout_.load(kOrder); }
  std::chrono::seconds http_header_timeout() const { return http_header_timeout_.load(kOrder); }
  std::chrono::seconds http_idle_timeout() const { return http_idle_timeout_.load(kOrder); }
  std::chrono::seconds http_body_timeout() const { return http_body_timeout_.load(kOrder); }
  std::uint64_t min_stream_rate() const { return min_stream_rate_.load(kOrder); }
  std::size_t chat_queue_bytes() const { return chat_queue_bytes_.load(kOrder); }
  std::optional<std::uint64_t> default_quota() const;
  bool quota_drops_versions() const { return quota_drops_versions_.load(kOrder); }
  std::chrono::seconds partial_ttl() const { return partial_ttl_.load(kOrder); }
  std::chrono::seconds deleted_retention() const { return deleted_retention_.load(kOrder); }
  std::chrono::seconds trash_retention() const { return trash_retention_.load(kOrder); }
  std::chrono::seconds shutdown_grace() const { return shutdown_grace_.load(kOrder); }

 private:
  // Each value stands alone (no reader needs two of them to agree), so relaxed is enough.
  static constexpr auto kOrder = std::memory_order_relaxed;
  static constexpr std::uint64_t kNoQuota = UINT64_MAX;

  std::atomic<std::size_t> max_connections_{0};
  std::atomic<std::chrono::seconds> handshake_timeout_{};
  std::atomic<std::chrono::seconds> idle_timeout_{};
  std::atomic<std::chrono::seconds> http_header_timeout_{};
  std::atomic<std::chrono::seconds> http_idle_timeout_{};
  std::atomic<std::chrono::seconds> http_body_timeout_{};
  std::atomic<std::uint64_t> min_stream_rate_{0};
  std::atomic<std::size_t> chat_queue_bytes_{0};
  std::atomic<std::uint64_t> default_quota_{kNoQuota};
  std::atomic<bool> quota_drops_versions_{false};
  std::atomic<std::chrono::seconds> partial_ttl_{};
  std::atomic<std::chrono::seconds> deleted_retention_{};
  std::atomic<std::chrono::seconds> trash_retention_{};
  std::atomic<std::chrono::seconds> shutdown_grace_{};
};

// The options a reload applies live (their names, for the log), of those that differ.
std::vector<std::string> live_changes(const ServerConfig& running, const ServerConfig& wanted);

// The options that differ but only take effect at the next start ("needs a restart").
std::vector<std::string> restart_changes(const ServerConfig& running, const ServerConfig& wanted);

}  // namespace netdisk::server
