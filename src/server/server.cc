#include "server/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/admin/admin_socket.h"
#include "server/tls/tls_context.h"
#include "server/tls/tls_identity.h"
#include "server/connection.h"
#include "server/discovery.h"
#include "server/version.h"
#include "server/http/http_server.h"
#include "server/http/metrics_listener.h"
#include "server/io_workers.h"
#include "server/listener.h"
#include "server/blocking.h"
#include "server/services.h"
#include "server/service/service_notify.h"
#include "storage/data_lock.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

unsigned io_thread_count(const ServerConfig& config) {
  if (config.io_threads != 0) return config.io_threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Lets the server hold as many sockets as the hard limit allows; the soft limit is often 1024.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Once a second, each worker checks its deadlines (server/deadlines.h) at the server's clock.
// The timeouts are whole seconds, so a deadline is met within a second of its time.
asio::awaitable<void> sweep_deadlines(IoWorker& worker, const Now& now) {
  asio::steady_timer timer(worker.context);
  while (true) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(kAsTuple);
    if (ec) break;
    worker.deadlines.sweep(now());
  }
}

// Runs `sweep` (a blocking walk returning how many things it removed) on the blocking pool
// every `period` until shutdown, logging what it did as "removed N <what>".
template <typename Period, typename Sweep>
asio::awaitable<void> sweep_periodically(Services& context, Period period, const char* what,
                                         Sweep sweep) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!context.shutting_down) {
    // Captures by reference only: see the coroutine rule in server/blocking.h.
    auto removed = co_await run_blocking(context.blocking_pool, [&sweep] { return sweep(); });
    if (!removed) {
      spdlog::warn("sweeping {}: {}", what, removed.error().message);
    } else if (*removed > 0) {
      spdlog::info("removed {} {}", *removed, what);
    }
    timer.expires_after(period());  // read each time: a reload may change the retention
    auto [ec] = co_await timer.async_wait(kAsTuple);
    if (ec) break;
  }
}

// The periodic purge of trash and versions, as a count for the sweep's log line.
storage::StorageResult<std::size_t> purge_expired(Services& context) {
  auto purged = context.backend->purge_expired(context.live.trash_retention());
  if (!purged) return std::move(purged).error();
  std::size_t entries = 0;
  for (const auto& user : *purged) entries += user.freed.entries;
  return entries;
}

// Interrupted uploads nobody resumed within --partial-ttl, so they never pile up in users'
// folders; and deleted users' files (storage/deleted_users.h) kept longer than
// --deleted-retention, dated by the server's wall clock.
void start_sweeps(asio::io_context& main_context, Services& context) {
  // The periods and limits come from the live settings (a reload changes them).
  auto every = [&live = context.live](std::chrono::seconds (LiveSettings::*ttl)() const) {
    return [&live, ttl] {
      return std::clamp<std::chrono::seconds>((live.*ttl)() / 4, std::chrono::seconds(1),
                                              std::chrono::minutes(10));
    };
  };
  asio::co_spawn(main_context,
                 sweep_periodically(
                     context, every(&LiveSettings::partial_ttl), "expired partial uploads",
                     [&context] {
                       return context.backend->sweep_partial_uploads(context.live.partial_ttl());
                     }),
                 asio::detached);
  asio::co_spawn(main_context,
                 sweep_periodically(context, every(&LiveSettings::deleted_retention),
                                    "deleted users' files past their retention",
                                    [&context] {
                                      return context.deleted_users->sweep(
                                          context.live.deleted_retention(), context.wall_clock());
                                    }),
                 asio::detached);
  // Trash entries past --trash-retention and versions past --version-max-age, dated by the
  // same wall clock (the backend's Retention reads Services::wall_clock).
  asio::co_spawn(main_context,
                 sweep_periodically(context, every(&LiveSettings::trash_retention),
                                    "trash entries and versions past their retention",
                                    [&context] { return purge_expired(context); }),
                 asio::detached);
}

// Counts every user's stored bytes for their quota once, at start-up, on the blocking pool
// (quota::QuotaBackend::open_space does it): a request of a user not counted yet waits for
// that user's count, never for everyone's.
void count_spaces(Services& context) {
  asio::post(context.blocking_pool, [&context] {
    for (const auto& record : context.accounts.users()) {
      if (context.shutting_down) return;
      auto space = context.backend->open_space(record.name);
      if (!space) {
        spdlog::warn("quota: cannot count the files of {:?}: {}", record.name,
                     space.error().message);
      }
    }
  });
}

// Taken before anything in the folder is read or written: a second netdiskd, or `netdiskd
// admin` changing a stopped server's files, must not run against the same data folder.
storage::DataLock lock_data_folder(const ServerConfig& config) {
  auto lock = storage::DataLock::acquire(config.data_dir);
  if (!lock) throw std::runtime_error(lock.error().message);
  return std::move(*lock);
}

// The TLS identity when a port needs one (the TCP port unless --plaintext, or HTTPS). HTTPS
// uses the server's own certificate unless --tls-cert names one: `config` is set to it.
std::optional<TlsIdentity> prepare_tls_identity(ServerConfig& config) {
  if (config.plaintext && !config.https_enabled) return std::nullopt;
  auto identity = load_or_create_tls_identity(config);
  if (identity.created) {
    spdlog::info("created a TLS key and a self-signed certificate in {}",
                 identity.cert_file.parent_path().string());
  }
  config.tls_cert_file = identity.cert_file;
  config.tls_key_file = identity.key_file;
  return identity;
}

std::unique_ptr<TlsContext> make_tls_context(const ServerConfig& config,
                                             const std::optional<TlsIdentity>& identity) {
  if (config.plaintext) {
    spdlog::warn("the NetDisk port serves plain text (--plaintext): passwords, tokens and files "
                 "cross the network unencrypted");
    return nullptr;
  }
  auto tls = std::make_unique<TlsContext>(*identity);
  spdlog::info("TLS 1.3 on the NetDisk port; key fingerprint {}", tls->fingerprint());
  if (!tls->kernel_tls_missing().empty()) {
    spdlog::info("kernel TLS is off: {}; TLS downloads are encrypted in user space and copied "
                 "(no sendfile)", tls->kernel_tls_missing());
  }
  return tls;
}

}  // namespace

struct Server::State {
  State(ServerConfig config, Reloader::Reread reread_config)
      : started(config),
        reread(std::move(reread_config)),
        lock(lock_data_folder(config)),
        identity(prepare_tls_identity(config)),
        tls(make_tls_context(config, identity)),
        context(config),
        workers(io_thread_count(context.config)) {
    context.tls = tls.get();
  }

  const ServerConfig started;  // as parsed, before the TLS files were filled in
  Reloader::Reread reread;
  storage::DataLock lock;
  std::optional<TlsIdentity> identity;
  std::unique_ptr<TlsContext> tls;
  Services context;
  IoWorkers workers;
};

Server::Server(ServerConfig config, Reloader::Reread reread)
    : state_(std::make_unique<State>(std::move(config), std::move(reread))) {}

Server::~Server() = default;

void Server::run() {
  auto& context = state_->context;
  auto& workers = state_->workers;
  const auto& config = context.config;
  raise_descriptor_limit();

  auto& main_context = workers.at(0).context;
  tcp::acceptor acceptor(main_context);
  tcp::endpoint endpoint(asio::ip::make_address(config.listen.host), config.listen.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  boost::system::error_code ec;
  acceptor.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", config.listen.host,
                                         config.listen.port, ec.message()));
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  auto bound = acceptor.local_endpoint();
  spdlog::info("netdiskd listening on {}:{} with {} I/O threads, data in {}",
               bound.address().to_string(), bound.port(), workers.size(),
               config.data_dir.string());

  for (unsigned i = 0; i < workers.size(); ++i) {
    asio::co_spawn(workers.at(i).context, sweep_deadlines(workers.at(i), context.now),
                   asio::detached);
  }
  // The web side shares the workers, the blocking pool and the services (docs/HTTP.md).
  std::optional<HttpServer> http;
  if (config.http_enabled || config.https_enabled) http.emplace(context, workers);
  // HTTPS first: it was asked for explicitly, so any failure (a certificate that cannot be
  // read) is fatal, and it must stop the server before the HTTP port file says it is up.
  if (config.https_enabled) http->start_tls();
  if (config.http_enabled) {
    try {
      http->start();
    } catch (const std::runtime_error& failure) {
      // The default port may well be taken (a second netdiskd, another web server): the TCP
      // protocol still works, so only an explicitly requested --http address is fatal.
      if (config.http_explicit) throw;
      spdlog::warn("{}; continuing without HTTP (pass --http HOST:PORT or --http off)",
                   failure.what());
      if (!config.https_enabled) http.reset();
    }
  }

  // --metrics HOST:PORT: /metrics and /healthz on a listener of their own (telemetry).
  std::optional<http::MetricsListener> metrics;
  if (config.metrics_mode == ServerConfig::MetricsMode::own) {
    metrics.emplace(main_context, context);
    metrics->start();
  }

  asio::co_spawn(main_context, accept_loop(acceptor, workers, context), asio::detached);
  AdminSocket admin(main_context, context);
  admin.start();
  // LAN discovery answers on UDP at the same address and port number as the TCP listener.
  asio::ip::udp::socket discovery(main_context);
  const DiscoveryInfo discovery_info{config.name, kNetdiskVersion, bound.port(),
                                     state_->tls ? state_->tls->fingerprint() : std::string()};
  try {
    discovery.open(bound.protocol() == tcp::v4() ? asio::ip::udp::v4() : asio::ip::udp::v6());
    discovery.bind(asio::ip::udp::endpoint(bound.address(), bound.port()));
    asio::co_spawn(main_context,
                   serve_discovery(discovery, discovery_info),
                   asio::detached);
  } catch (const boost::system::system_error& failure) {
    spdlog::warn("LAN discovery is off: UDP port {}: {}", bound.port(), failure.what());
  }
  if (!config.port_file.empty()) {
    // Written only once the UDP discovery socket is bound too: a probe sent as soon as the
    // file appears must find it (a datagram to an unbound port is simply lost). Written to a
    // temporary name and renamed, so a reader never sees a half-written port.
    std::string temp = config.port_file + ".tmp";
    std::ofstream(temp) << bound.port() << "\n";
    std::filesystem::rename(temp, config.port_file);
  }
  start_sweeps(main_context, context);
  count_spaces(context);
  // SIGHUP: the reload (server/service/reloader.h), on the blocking pool.
  std::string ready_status =
      fmt::format("serving NetDisk on {}:{}", config.listen.host, bound.port());
  if (http && http->port() != 0) {
    ready_status += fmt::format(", HTTP on {}:{}", config.http_listen.host, http->port());
  }
  Reloader reloader(context, state_->started, state_->reread, ready_status);
  asio::signal_set hangups(main_context, SIGHUP);
  asio::co_spawn(main_context, reload_on_sighup(hangups, reloader, context.blocking_pool),
                 asio::detached);

  asio::signal_set signals(main_context, SIGINT, SIGTERM);
  std::promise<void> stopped;
  asio::steady_timer grace(main_context);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    spdlog::info("signal {}: shutting down (grace {}s)", signal,
                 context.live.shutdown_grace().count());
    notify_stopping();
    context.shutting_down = true;
    hangups.cancel();
    boost::system::error_code ignored;
    acceptor.close(ignored);
    discovery.close(ignored);
    admin.stop();
    workers.for_each([](IoWorker& worker) {
      for (Connection* connection : worker.connections) connection->request_shutdown();
    });
    if (http) http->stop();
    grace.expires_after(context.live.shutdown_grace());
    grace.async_wait([&](const boost::system::error_code&) {
      workers.for_each([](IoWorker& worker) {
        std::vector<Connection*> remaining(worker.connections.begin(), worker.connections.end());
        if (!remaining.empty()) {
          spdlog::warn("closing {} connections still busy after the grace period",
                       remaining.size());
        }
        for (Connection* connection : remaining) connection->force_close();
      });
      if (http) http->close_all();
      if (metrics) metrics->stop();  // answered /healthz (503) until here
      stopped.set_value();
    });
    // Finish early once every connection has gone.
    asio::co_spawn(main_context, [&]() -> asio::awaitable<void> {
      asio::steady_timer poll(main_context);
      while (context.open_connections.load() != 0 || (http && http->open_http_connections() != 0)) {
        poll.expires_after(std::chrono::milliseconds(20));
        co_await poll.async_wait(kAsTuple);
      }
      grace.cancel();
    }, asio::detached);
  });

  workers.start();
  // Every listener is bound and the workers accept: `systemctl start` may return.
  notify_ready(ready_status);
  stopped.get_future().wait();
  // Give force-closed connections a moment to unwind on their threads, then stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  workers.stop();
  workers.join();
  context.accounts.shutdown();
  context.blocking_pool.join();
  spdlog::info("netdiskd stopped");
}

}  // namespace netdisk::server
