#include "server/http/file_upload.h"

#include <chrono>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/http_context.h"
#include "server/http/preconditions.h"
#include "server/http/responses.h"
#include "server/http/user_store.h"
#include "server/server_context.h"
#include "server/storage_errors.h"
#include "server/stream_pace.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunkBytes = 256 * 1024;

struct Begun {
  storage::Upload upload;
  bool replaces = false;  // a file was there before: 200 rather than 201
};

struct Published {
  std::string version;
  std::uint64_t size = 0;
};

// Refuses before any body byte is read; the unread body means the connection must close.
asio::awaitable<void> refuse(Exchange& exchange, Error error) {
  exchange.close_after();
  co_await exchange.send_error(error);
}

Error body_stopped(const ServerConfig& config, const boost::system::error_code& ec) {
  if (ec != beast::error::timeout) {
    return make_error(Errc::size_mismatch, "the upload stopped: " + ec.message());
  }
  return make_error(Errc::timeout,
                    fmt::format("the upload stalled for {} s or averaged under the server's "
                                "minimum of {} bytes a second",
                                config.http_body_timeout.count(), config.min_stream_rate));
}

// Reads the body into `upload`. An Error when the peer stalls, trickles or goes away, or the
// disk fails. Reads go one at a time, each paced (server/stream_pace.h): a slow but steady
// client is not cut off because filling a whole chunk took longer than the body timeout, and a
// trickling one is. Time spent writing to our own disk does not count against the client.
asio::awaitable<Status> receive_body(Exchange& exchange, storage::Upload& upload) {
  auto& server = exchange.context().server;
  bhttp::request_parser<bhttp::buffer_body> parser(std::move(exchange.parser()));
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // Upload checks the size
  std::vector<char> chunk(kChunkBytes);
  auto activity = Clock::now();
  while (!parser.is_done()) {
    auto& body = parser.get().body();
    body.data = chunk.data();
    body.size = chunk.size();
    while (!parser.is_done() && body.size > 0) {
      exchange.stream().expires_at(activity + server.config.http_body_timeout);
      std::size_t room = body.size;
      auto [ec, n] =
          co_await bhttp::async_read_some(exchange.stream(), exchange.buffer(), parser, kAsTuple);
      activity =
          paced_activity(activity, room - body.size, server.config.min_stream_rate, Clock::now());
      if (ec == bhttp::error::need_buffer) break;
      if (ec) co_return body_stopped(server.config, ec);
    }
    std::size_t got = chunk.size() - body.size;
    if (got == 0) continue;
    auto writing_since = Clock::now();
    // Captures references and plain values only (server/blocking.h).
    auto written = co_await run_blocking(server.blocking_pool, [&upload, &chunk, got]() {
      return upload.write(std::as_bytes(std::span(chunk.data(), got)));
    });
    if (!written) co_return written;
    activity += Clock::now() - writing_since;
  }
  exchange.mark_body_read();
  co_return Status{};
}

}  // namespace

asio::awaitable<void> serve_upload(Exchange& exchange, const Caller& caller,
                                   const std::string& path) {
  auto& server = exchange.context().server;
  auto& header_parser = exchange.parser();
  if (header_parser.chunked() || !header_parser.content_length()) {
    exchange.close_after();
    co_await exchange.send(error_response(bhttp::status::length_required, Errc::bad_request,
                                          "PUT needs a Content-Length"));
    co_return;
  }
  std::uint64_t size = *header_parser.content_length();
  auto conditions = read_preconditions(exchange.request());
  // Checked here so a doomed body is never read, and again where the upload commits.
  auto check = conditions.any() ? precondition_check(conditions) : storage::TargetCheck{};
  auto begun = co_await with_user_store(
      server, caller.username, [&path, size, &check](storage::FileStore& store) -> Result<Begun> {
        auto upload = store.begin_upload(path, size, std::nullopt);
        if (!upload) return std::move(upload).error();
        auto before = store.target_state(path);
        if (!before) return std::move(before).error();
        if (check) {
          if (auto allowed = check(*before); !allowed) return wire_error(allowed.error());
        }
        return Begun{std::move(*upload), before->exists};
      });
  if (!begun) {
    auto error = std::move(begun).error();
    if (error.code == Errc::not_found) {
      // WebDAV's answer for a missing parent folder; the code still says what happened.
      exchange.close_after();
      co_await exchange.send(error_response(bhttp::status::conflict, error.code, error.message));
      co_return;
    }
    co_await refuse(exchange, std::move(error));
    co_return;
  }
  auto& upload = begun->upload;

  if (beast::iequals(exchange.header(bhttp::field::expect), "100-continue")) {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
    exchange.stream().expires_after(server.config.http_body_timeout);
    auto [ec, n] = co_await bhttp::async_write(exchange.stream(), go_on, kAsTuple);
    if (ec) {
      exchange.close_after();
      co_return;
    }
  }

  auto received = co_await receive_body(exchange, upload);
  if (!received) {
    spdlog::info("http: upload of {} by {} failed: {}", path, caller.username,
                 received.error().message);
    co_await run_blocking(server.blocking_pool, [&upload] { upload.discard(); });
    exchange.close_after();
    co_await exchange.send_error(received.error());
    co_return;
  }
  auto published = co_await with_user_store(
      server, caller.username,
      [&upload, &path, &check](storage::FileStore& store) -> Result<Published> {
        auto committed = upload.commit(check);
        if (!committed) return std::move(committed).error();
        auto file = store.open_for_download(path);
        if (!file) return std::move(file).error();
        return Published{file->version, file->size};
      });
  if (!published) {
    co_await exchange.send_error(published.error());
    co_return;
  }
  auto status = begun->replaces ? bhttp::status::ok : bhttp::status::created;
  auto response =
      json_response(status, {{"size", published->size}, {"version", published->version}});
  response.set(bhttp::field::etag, "\"" + published->version + "\"");
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http
