#include "server/http/file_upload.h"

#include <algorithm>
#include <cstddef>
#include <span>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/http_context.h"
#include "server/http/preconditions.h"
#include "server/http/responses.h"
#include "server/http/user_store.h"
#include "server/server_context.h"
#include "server/transfer/transfer_engine.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

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

// Reads the body into `upload` through the transfer engine (transfer/transfer_engine.h), as
// the TCP protocol reads an upload's stream: first the body bytes already in the session's
// buffer (read with the headers), then exactly the rest from the stream, so anything after the
// body (a pipelined request) stays unread and the connection can go on. Paced by
// --min-stream-rate, bounded by --http-body-timeout; a failed disk write ends it at once (the
// exchange closes, so the unread rest does not matter).
asio::awaitable<Status> receive_body(Exchange& exchange, storage::Upload& upload,
                                     std::uint64_t length) {
  auto& server = exchange.context().server;
  auto& buffer = exchange.buffer();
  auto buffered = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
  std::span<const std::byte> early(static_cast<const std::byte*>(buffer.data().data()), buffered);
  transfer::ActivityClock pace(server.config.http_body_timeout, server.config.min_stream_rate);
  transfer::UploadTarget sink(upload);
  exchange.stream().expires_never();
  auto received = co_await transfer::receive(exchange.stream(), early, sink, length,
                                             transfer::TransferEnv{server.blocking_pool, pace},
                                             transfer::OnSinkError::stop);
  buffer.consume(buffered);  // only now: `early` pointed into it
  if (received.ok()) exchange.mark_body_read();
  if (!received.ok() && received.error().code == Errc::timeout) {
    // A peer that stalled or trickled gets no answer, only the closed connection, as when
    // the stream's own expiry timed bodies (stream_pace_test.cc relies on it).
    boost::system::error_code ignored;
    exchange.stream().socket().close(ignored);
  }
  co_return received;
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
          if (auto allowed = check(*before); !allowed) return std::move(allowed).error();
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

  auto received = co_await receive_body(exchange, upload, size);
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
