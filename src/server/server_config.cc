#include "server/server_config.h"

#include <map>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/duration_text.h"
#include "protocol/frame.h"
#include "server/cluster/cluster_options.h"
#include "server/retention_options.h"
#include "server/service/service_options.h"
#include "server/telemetry/telemetry_options.h"
#include "storage/byte_size.h"

namespace netdisk::server {

Endpoint parse_endpoint(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    throw std::invalid_argument(fmt::format("'{}' is not HOST:PORT", text));
  }
  Endpoint endpoint;
  endpoint.host = text.substr(0, colon);
  if (endpoint.host.size() >= 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  }
  if (endpoint.host.empty()) throw std::invalid_argument(fmt::format("'{}' has no host", text));
  std::size_t used = 0;
  unsigned long port = 0;
  try {
    port = std::stoul(text.substr(colon + 1), &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() - colon - 1 || port > 65535) {
    throw std::invalid_argument(fmt::format("'{}' has no valid port (0-65535)", text));
  }
  endpoint.port = static_cast<std::uint16_t>(port);
  return endpoint;
}

namespace {

void add_https_options(CLI::App& app, ServerConfig& config) {
  app.add_option_function<std::string>(
         "--https",
         [&config](const std::string& text) {
           config.https_enabled = text != "off";
           if (config.https_enabled) config.https_listen = parse_endpoint(text);
         },
         "Address for the same HTTP service over TLS, or 'off' (the default); the certificate "
         "is --tls-cert's")
      ->type_name("HOST:PORT|off");
  app.add_option("--https-port-file", config.https_port_file,
                 "Write the bound HTTPS port to this file once listening (useful with port 0)");
  app.add_option("--tls-cert", config.tls_cert_file,
                 "PEM certificate chain for the TCP port and --https (the server's certificate "
                 "first; default: a self-signed one made in <data>/tls/ on the first start)")
      ->type_name("FILE");
  app.add_option("--tls-key", config.tls_key_file,
                 "PEM private key for --tls-cert (default: <data>/tls/, made on the first start)")
      ->type_name("FILE");
  app.add_flag("--plaintext", config.plaintext,
               "Serve the NetDisk TCP port unencrypted (a trusted LAN, a benchmark); clients "
               "must ask for it too");
}

// An option given in whole seconds, within [min, max], stored as a duration.
void add_seconds_option(CLI::App& app, const std::string& name, std::chrono::seconds& field,
                        const std::string& help, unsigned min, unsigned max) {
  app.add_option_function<unsigned>(
         name, [&field](unsigned s) { field = std::chrono::seconds(s); }, help)
      ->check(CLI::Range(min, max));
}

}  // namespace

void add_server_options(CLI::App& app, ServerConfig& config) {
  app.set_config("--config", "", "Read options from this TOML file (flags take precedence)");
  app.allow_config_extras(false);  // a misspelt key is an error, not silently ignored
  app.add_option_function<std::string>(
         "--listen", [&config](const std::string& text) { config.listen = parse_endpoint(text); },
         fmt::format("TCP address to serve the NetDisk protocol on (default 127.0.0.1:{})",
                     kDefaultTcpPort))
      ->type_name("HOST:PORT");
  app.add_option("--data", config.data_dir,
                 "Data folder: users.xlsx and one folder per user (default ./netdisk-data)")
      ->type_name("DIR");
  app.add_option("--name", config.name, "Server name shown to clients and in discovery");
  app.add_option("--io-threads", config.io_threads, "I/O threads (default: one per core)");
  app.add_option("--blocking-threads", config.blocking_threads,
                 "Threads for blocking disk work: fsync, scans, workbook rewrites (default 4)")
      ->check(CLI::Range(1u, 256u));
  add_seconds_option(app, "--handshake-timeout", config.handshake_timeout,
                     "Seconds a new connection has to send hello (default 10)", 1u, 3600u);
  add_seconds_option(app, "--idle-timeout", config.idle_timeout,
                     "Seconds without traffic before a connection is closed (default 300)", 1u,
                     86400u);
  app.add_option("--min-stream-rate", config.min_stream_rate,
                 "Slowest average speed in bytes a second at which an upload or download keeps "
                 "its connection: slower ones time out after about --idle-timeout "
                 "(--http-body-timeout on HTTP); 0 lets any progress count (default 1024)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 40));
  add_seconds_option(app, "--shutdown-grace", config.shutdown_grace,
                     "Seconds in-flight requests get to finish on SIGINT/SIGTERM (default 10)", 0u,
                     3600u);
  app.add_option("--max-connections", config.max_connections,
                 "Connections served at once; more are refused with too_many_connections "
                 "(default 10000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--max-frame", config.max_frame_bytes,
                 fmt::format("Largest control frame in bytes, {} to {} (default {})",
                             protocol::kMinMaxFrameBytes, protocol::kMaxMaxFrameBytes,
                             protocol::kDefaultMaxFrameBytes))
      ->check(CLI::Range(protocol::kMinMaxFrameBytes, protocol::kMaxMaxFrameBytes));
  app.add_option("--log-level", config.log_level,
                 "trace, debug, info, warn, error or off (default info), then per component: "
                 "info,op=warn,http=debug (components: server tcp http dav chat accounts "
                 "storage admin op)")
      ->check(log_levels_validator());
  app.add_option("--users-file", config.users_file,
                 "The users workbook (default <data>/users.xlsx; never inside <data>/home)")
      ->type_name("FILE");
  add_seconds_option(app, "--session-ttl", config.session_ttl,
                     "Seconds a login session token stays valid (default 604800, a week)", 1u,
                     365u * 24 * 3600);
  app.add_option("--hash-threads", config.hash_threads,
                 "Threads for Argon2id password hashing (default 2)")
      ->check(CLI::Range(1u, 64u));
  app.add_option("--max-pending-hashes", config.max_pending_hashes,
                 "Logins and registrations hashing or queued at once; more get server_busy "
                 "(default 64)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--password-hash-memory", config.password_hash_memory_mib,
                 "Argon2id memory per hash in MiB (default 64)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  app.add_option("--password-hash-ops", config.password_hash_ops,
                 "Argon2id passes per hash (default 2)")
      ->check(CLI::Range(1ull, 100ull));
  add_seconds_option(
      app, "--credential-cache-ttl", config.credential_cache_ttl,
      "Seconds a password that passed Argon2id is remembered (under a keyed hash) for HTTP "
      "Basic requests; 0 hashes every request (default 300)",
      0u, 3600u);
  add_seconds_option(
      app, "--workbook-check-interval", config.workbook_check_interval,
      "Seconds between checks of the users workbook for an administrator's edits; 0 checks "
      "only before each rewrite (default 3)",
      0u, 3600u);
  app.add_option("--chat-queue-bytes", config.chat_queue_bytes,
                 "Bytes of chat events queued for a member that is not reading before it is "
                 "dropped from the room (default 262144)")
      ->check(CLI::Range(std::size_t{8192}, std::size_t{1} << 30));
  add_seconds_option(app, "--partial-ttl", config.partial_ttl,
                     "Seconds an interrupted upload is kept for resuming (default 86400)", 1u,
                     365u * 24 * 3600);
  app.add_option_function<std::string>(
         "--deleted-retention",
         [&config](const std::string& text) {
           auto retention = parse_duration(text);
           if (!retention) {
             throw CLI::ValidationError("--deleted-retention",
                                        "a duration such as 30d, 12h, 30m or 90s");
           }
           config.deleted_retention = *retention;
         },
         "How long a deleted user's files are kept in <data>/deleted/ before they are removed: "
         "30d, 12h, 30m, 90s (default 30d)");
  app.add_option_function<std::string>(
         "--default-quota",
         [&config](const std::string& text) {
           if (text == "none") {
             config.default_quota.reset();
             return;
           }
           auto bytes = storage::parse_byte_size(text);
           if (!bytes) {
             throw CLI::ValidationError("--default-quota", "a size such as 10GiB or 500MB, or none");
           }
           config.default_quota = *bytes;
         },
         "Byte quota of every user whose row in the users workbook names none: a size such as "
         "10GiB or 500MB, or none (default none)");
  app.add_flag("--quota-drops-versions", config.quota_drops_versions,
               "Let an upload over its user's quota drop that user's oldest file versions to make "
               "room (default: refuse the upload)");
  app.add_option("--send-mode", config.send_mode,
                 "How downloads leave: sendfile (zero-copy) or buffered (pread + write); "
                 "default sendfile (docs/BENCHMARKS.md compares them)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, SendMode>{
          {"buffered", SendMode::buffered}, {"sendfile", SendMode::sendfile}}));
  app.add_option("--port-file", config.port_file,
                 "Write the bound TCP port to this file once listening (useful with port 0)");
  app.add_option_function<std::string>(
         "--http",
         [&config](const std::string& text) {
           config.http_enabled = text != "off";
           config.http_explicit = true;
           if (config.http_enabled) config.http_listen = parse_endpoint(text);
         },
         fmt::format("Address for the web page and HTTP file access, or 'off' (default "
                     "127.0.0.1:{})",
                     kDefaultHttpPort))
      ->type_name("HOST:PORT|off");
  app.add_option("--http-port-file", config.http_port_file,
                 "Write the bound HTTP port to this file once listening (useful with port 0)");
  add_seconds_option(app, "--http-header-timeout", config.http_header_timeout,
                     "Seconds an HTTP client has to send a request's headers (default 10)", 1u,
                     3600u);
  add_seconds_option(app, "--http-idle-timeout", config.http_idle_timeout,
                     "Seconds an idle HTTP keep-alive connection is kept open (default 60)", 1u,
                     86400u);
  add_seconds_option(
      app, "--http-body-timeout", config.http_body_timeout,
      "Seconds an HTTP body may make no progress, or fall behind --min-stream-rate, before "
      "the connection is closed (default 30)",
      1u, 86400u);
  add_https_options(app, config);
  add_retention_options(app, config);
  add_service_options(app, config);
  add_telemetry_options(app, config);
  add_cluster_options(app, config);
}

void validate_server_config(const ServerConfig& config) {
  if (config.data_dir.empty()) throw std::invalid_argument("--data must not be empty");
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    throw std::invalid_argument(
        "--tls-cert and --tls-key go together (neither: the server's own certificate in "
        "<data>/tls/)");
  }
  validate_cluster_options(config);
}

}  // namespace netdisk::server
