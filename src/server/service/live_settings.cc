#include "server/service/live_settings.h"

#include <functional>
#include <tuple>

namespace netdisk::server {
namespace {

struct Setting {
  const char* option;
  std::function<bool(const ServerConfig&, const ServerConfig&)> same;
};

// Compares one field of two configurations.
template <typename Field>
Setting field(const char* option, Field field) {
  return {option,
          [field](const ServerConfig& a, const ServerConfig& b) { return a.*field == b.*field; }};
}

bool same_endpoint(const Endpoint& a, const Endpoint& b) {
  return a.host == b.host && a.port == b.port;
}

// What LiveSettings::apply() (and the reload's log levels and account settings) change.
const std::vector<Setting>& live_settings() {
  static const std::vector<Setting> settings = {
      field("--log-level", &ServerConfig::log_level),
      field("--max-connections", &ServerConfig::max_connections),
      field("--handshake-timeout", &ServerConfig::handshake_timeout),
      field("--idle-timeout", &ServerConfig::idle_timeout),
      field("--http-header-timeout", &ServerConfig::http_header_timeout),
      field("--http-idle-timeout", &ServerConfig::http_idle_timeout),
      field("--http-body-timeout", &ServerConfig::http_body_timeout),
      field("--min-stream-rate", &ServerConfig::min_stream_rate),
      field("--chat-queue-bytes", &ServerConfig::chat_queue_bytes),
      field("--default-quota", &ServerConfig::default_quota),
      field("--quota-drops-versions", &ServerConfig::quota_drops_versions),
      field("--partial-ttl", &ServerConfig::partial_ttl),
      field("--deleted-retention", &ServerConfig::deleted_retention),
      field("--trash-retention", &ServerConfig::trash_retention),
      field("--shutdown-grace", &ServerConfig::shutdown_grace),
      field("--session-ttl", &ServerConfig::session_ttl),
      field("--credential-cache-ttl", &ServerConfig::credential_cache_ttl),
      field("--workbook-check-interval", &ServerConfig::workbook_check_interval),
  };
  return settings;
}

// Everything else: read once at start-up by the listeners, the pools and the storage.
const std::vector<Setting>& restart_settings() {
  static const std::vector<Setting> settings = {
      {"--listen", [](auto& a, auto& b) { return same_endpoint(a.listen, b.listen); }},
      field("--data", &ServerConfig::data_dir),
      field("--name", &ServerConfig::name),
      field("--io-threads", &ServerConfig::io_threads),
      field("--blocking-threads", &ServerConfig::blocking_threads),
      field("--max-frame", &ServerConfig::max_frame_bytes),
      field("--users-file", &ServerConfig::users_file),
      field("--hash-threads", &ServerConfig::hash_threads),
      field("--max-pending-hashes", &ServerConfig::max_pending_hashes),
      field("--password-hash-memory", &ServerConfig::password_hash_memory_mib),
      field("--password-hash-ops", &ServerConfig::password_hash_ops),
      field("--port-file", &ServerConfig::port_file),
      field("--versions-kept", &ServerConfig::versions_kept),
      field("--version-max-age", &ServerConfig::version_max_age),
      field("--send-mode", &ServerConfig::send_mode),
      {"--http",
       [](auto& a, auto& b) {
         return a.http_enabled == b.http_enabled && same_endpoint(a.http_listen, b.http_listen);
       }},
      field("--http-port-file", &ServerConfig::http_port_file),
      {"--https",
       [](auto& a, auto& b) {
         return a.https_enabled == b.https_enabled && same_endpoint(a.https_listen, b.https_listen);
       }},
      field("--https-port-file", &ServerConfig::https_port_file),
      field("--tls-cert", &ServerConfig::tls_cert_file),
      field("--tls-key", &ServerConfig::tls_key_file),
      field("--plaintext", &ServerConfig::plaintext),
      field("--log-file", &ServerConfig::log_file),
      {"--metrics",
       [](auto& a, auto& b) {
         return a.metrics_mode == b.metrics_mode && same_endpoint(a.metrics_listen, b.metrics_listen);
       }},
      field("--metrics-port-file", &ServerConfig::metrics_port_file),
  };
  return settings;
}

std::vector<std::string> differing(const std::vector<Setting>& settings, const ServerConfig& a,
                                   const ServerConfig& b) {
  std::vector<std::string> names;
  for (const auto& setting : settings) {
    if (!setting.same(a, b)) names.emplace_back(setting.option);
  }
  return names;
}

}  // namespace

void LiveSettings::apply(const ServerConfig& config) {
  max_connections_.store(config.max_connections, kOrder);
  handshake_timeout_.store(config.handshake_timeout, kOrder);
  idle_timeout_.store(config.idle_timeout, kOrder);
  http_header_timeout_.store(config.http_header_timeout, kOrder);
  http_idle_timeout_.store(config.http_idle_timeout, kOrder);
  http_body_timeout_.store(config.http_body_timeout, kOrder);
  min_stream_rate_.store(config.min_stream_rate, kOrder);
  chat_queue_bytes_.store(config.chat_queue_bytes, kOrder);
  default_quota_.store(config.default_quota.value_or(kNoQuota), kOrder);
  quota_drops_versions_.store(config.quota_drops_versions, kOrder);
  partial_ttl_.store(config.partial_ttl, kOrder);
  deleted_retention_.store(config.deleted_retention, kOrder);
  trash_retention_.store(config.trash_retention, kOrder);
  shutdown_grace_.store(config.shutdown_grace, kOrder);
}

std::optional<std::uint64_t> LiveSettings::default_quota() const {
  auto bytes = default_quota_.load(kOrder);
  if (bytes == kNoQuota) return std::nullopt;
  return bytes;
}

std::vector<std::string> live_changes(const ServerConfig& running, const ServerConfig& wanted) {
  return differing(live_settings(), running, wanted);
}

std::vector<std::string> restart_changes(const ServerConfig& running, const ServerConfig& wanted) {
  return differing(restart_settings(), running, wanted);
}

}  // namespace netdisk::server
