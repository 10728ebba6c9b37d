// ServerConfig: every setting of netdiskd, filled from command-line flags and an optional
// TOML config file (--config FILE; flags win over the file). Plain data, read-only once the
// server starts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "server/stream_io.h"

namespace CLI {
class App;
}

namespace netdisk::server {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

inline constexpr std::uint16_t kDefaultTcpPort = 7070;
inline constexpr std::uint16_t kDefaultHttpPort = 7080;

struct ServerConfig {
  Endpoint listen{"127.0.0.1", kDefaultTcpPort};
  std::filesystem::path data_dir = "netdisk-data";
  std::string name = "netdisk";
  unsigned io_threads = 0;        // 0: one per core
  unsigned blocking_threads = 4;  // fsync, directory scans, workbook rewrites
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds idle_timeout{300};
  // File data in flight must average at least this many bytes a second, or its timeout
  // (idle_timeout, http_body_timeout) closes it; 0 turns the rule off (server/stream_pace.h).
  std::uint64_t min_stream_rate = 1024;
  std::chrono::seconds shutdown_grace{10};
  std::size_t max_connections = 10000;
  std::size_t max_frame_bytes = 1024 * 1024;
  std::string log_level = "info";
  // Accounts.
  std::filesystem::path users_file;  // empty: <data>/users.xlsx
  std::chrono::seconds session_ttl{7 * 24 * 3600};
  unsigned hash_threads = 2;
  std::size_t max_pending_hashes = 64;
  std::size_t password_hash_memory_mib = 64;  // Argon2id cost (libsodium "interactive")
  unsigned long long password_hash_ops = 2;
  // How long a password Argon2id accepted is remembered for HTTP Basic (0: never).
  std::chrono::seconds credential_cache_ttl{300};
  std::chrono::seconds workbook_check_interval{3};  // 0: only before each rewrite
  std::string port_file;
  // Chat: the most bytes queued for one member before it is dropped from the room.
  std::size_t chat_queue_bytes = 256 * 1024;
  // Files.
  std::chrono::seconds partial_ttl{24 * 3600};
  // How long a deleted user's folder is kept in <data>/deleted/ (storage/deleted_folders.h).
  std::chrono::seconds deleted_retention{30 * 24 * 3600};
  // Quotas (server/quota/): the byte quota of a user whose workbook row names none; nullopt:
  // no quota. Whether an upload over quota may drop the user's oldest versions to make room
  // (off: it is refused).
  std::optional<std::uint64_t> default_quota;
  bool quota_drops_versions = false;
  // The trash and versions (server/retention_options.h).
  std::chrono::seconds trash_retention{30 * 24 * 3600};
  std::size_t versions_kept = 10;
  std::chrono::seconds version_max_age{90 * 24 * 3600};  // 0: no age limit
  SendMode send_mode = SendMode::sendfile;  // TCP downloads and plain-HTTP file bodies
  // HTTP: the web page, /api and /files (docs/HTTP.md).
  bool http_enabled = true;
  bool http_explicit = false;  // --http was given: failing to bind it is fatal
  Endpoint http_listen{"127.0.0.1", kDefaultHttpPort};
  std::string http_port_file;                   // like port_file, for the HTTP port
  std::chrono::seconds http_header_timeout{10};  // from a request's first byte to its last header
  std::chrono::seconds http_idle_timeout{60};    // between requests on a keep-alive connection
  std::chrono::seconds http_body_timeout{30};    // a body's timeout, paced by min_stream_rate
  // HTTPS: the same routes over TLS on a second port (docs/HTTP.md, "TLS"); off by default.
  bool https_enabled = false;
  Endpoint https_listen{"127.0.0.1", 0};
  std::string https_port_file;          // like http_port_file, for the HTTPS port
  // The server's TLS identity, for the NetDisk TCP port and HTTPS alike. Both empty: the
  // certificate the server made for itself in <data>/tls/ on its first start.
  std::filesystem::path tls_cert_file;  // PEM certificate chain, the server's first
  std::filesystem::path tls_key_file;   // PEM private key
  // The NetDisk TCP port in plain text instead of TLS: only when asked for (--plaintext).
  bool plaintext = false;
  // Service slice (issue #21; server/service/service_options.h): check and exit; the log file
  // (empty: stderr).
  bool check_config = false;
  std::filesystem::path log_file;
  // Telemetry (issue #21; server/telemetry/telemetry_options.h): where /metrics is served.
  // http: on the HTTP (and HTTPS) listener; own: on metrics_listen only; off: not at all,
  // and nothing is counted.
  enum class MetricsMode { http, own, off };
  MetricsMode metrics_mode = MetricsMode::http;
  Endpoint metrics_listen{"127.0.0.1", 0};
  std::string metrics_port_file;  // like http_port_file, for the metrics listener
  // Cluster (issue #22; server/cluster/cluster_options.h, docs/SCALING.md): where the shared
  // state lives when several nodes serve the same users. local: this machine's data folder
  // (users.xlsx, home/); cluster: PostgreSQL, Ceph RADOS and Redis, and --data is the node's
  // own folder only.
  enum class StorageKind { local, cluster };
  StorageKind storage_kind = StorageKind::local;
  std::string pg_conninfo;              // libpq connection string
  std::filesystem::path rados_conf;     // a ceph.conf naming the monitors and the keyring
  std::string rados_pool = "netdisk";   // the pool of file chunks
  std::string rados_user = "admin";     // the Ceph client id (client.<id>)
  std::string redis;                    // "unix:/path" or "HOST:PORT"
  std::string node_name;                // empty: <hostname>:<tcp port>
  // Every connection to the TCP and HTTP listeners starts with a PROXY protocol v2 header
  // (a load balancer's send-proxy-v2); one without it is refused.
  bool proxy_protocol = false;
};

// Declares every option on `app`, writing into `config`. The caller parses.
void add_server_options(CLI::App& app, ServerConfig& config);

// Checks ranges the option parser cannot (e.g. max frame size). Throws std::invalid_argument.
void validate_server_config(const ServerConfig& config);

// "HOST:PORT" or "[v6]:PORT" to an Endpoint. Throws std::invalid_argument.
Endpoint parse_endpoint(const std::string& text);

}  // namespace netdisk::server
