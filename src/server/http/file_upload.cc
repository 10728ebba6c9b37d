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

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/write_gate.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/preconditions.h"
#include "server/http/responses.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/services.h"
#include "server/transfer/transfer_engine.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Refuses before any body byte is read; the unread body means the connection must close.
asio::awaitable<void> refuse(Exchange& exchange, Error error) {
  exchange.close_after();
  co_await exchange.send_error(error);
}

// Reads the body into `upload` through the transfer engine (transfer/transfer_engine.h), as
// the TCP protocol reads an upload's stream: first the body bytes already in the connection's
// buffer (read with the headers), then exactly the rest from the stream, so anything after the
// body (a pipelined request) stays unread and the connection can go on. Paced by
// --min-stream-rate, bounded by --http-body-timeout; a failed disk write ends it at once (the
// exchange closes, so the unread rest does not matter).
asio::awaitable<Status> receive_body(Exchange& exchange, storage::UploadSink& upload,
                                     std::uint64_t length) {
  auto& server = exchange.services().server;
  auto& buffer = exchange.buffer();
  auto buffered = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
  std::span<const std::byte> early(static_cast<const std::byte*>(buffer.data().data()), buffered);
  transfer::ActivityClock pace(server.config.http_body_timeout, server.config.min_stream_rate,
                               server.now);
  transfer::UploadTarget sink(upload);
  exchange.deadline().disarm();  // the transfer's own StallGuard times the body
  auto received = co_await transfer::receive(exchange.stream(), early, sink, length,
                                             exchange.transfer_env(pace),
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
  auto& server = exchange.services().server;
  auto& header_parser = exchange.parser();
  if (header_parser.chunked() || !header_parser.content_length()) {
    exchange.close_after();
    co_await exchange.send(error_response(bhttp::status::length_required, Errc::bad_request,
                                          "PUT needs a Content-Length"));
    co_return;
  }
  std::uint64_t size = *header_parser.content_length();
  std::vector<dav::WriteTarget> targets{{path, false}};  // named: GCC 12 and braced lists
  if (!co_await dav::pass_write_gate(exchange, caller, path, std::move(targets))) co_return;
  auto conditions = read_preconditions(exchange.request());
  // The upload op checks these before any body byte is read, and again where it commits.
  auto check = conditions.any() ? precondition_check(conditions) : storage::TargetCheck{};
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  nlohmann::json announce = {{"path", path}, {"size", size}};
  ops::OpCall call{server, session, announce};
  call.target_check = std::move(check);
  const auto& upload_op = ops::files_op(ops::FilesRole::write);
  auto begun = co_await ops::dispatch(&upload_op, upload_op.name, call);
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
  nlohmann::json data = {{"stream", size}};
  ops::OpCall data_call{server, session, data};
  const auto& data_op = ops::files_op(ops::FilesRole::write_data);
  auto streaming = co_await ops::dispatch(&data_op, data_op.name, data_call);
  if (!streaming) {
    co_await refuse(exchange, std::move(streaming).error());
    co_return;
  }
  auto& stream_in = *streaming->stream_in;

  if (beast::iequals(exchange.header(bhttp::field::expect), "100-continue")) {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
    exchange.deadline().arm_after(server.config.http_body_timeout);
    auto [ec, n] = co_await bhttp::async_write(exchange.stream(), go_on, kAsTuple);
    if (ec) {
      exchange.close_after();
      co_return;
    }
  }

  auto received = co_await receive_body(exchange, *stream_in.sink, size);
  bool body_read = received.ok();
  if (!body_read) {
    spdlog::info("http: upload of {} by {} failed: {}", path, caller.username,
                 received.error().message);
  }
  // Commits, or after a failed body removes the partial (an HTTP PUT does not resume).
  auto published = co_await stream_in.finish(data_call, std::move(received));
  if (!body_read) exchange.close_after();
  if (!published) {
    co_await exchange.send_error(published.error());
    co_return;
  }
  const auto& fields = published->fields;
  if (!fields.contains("version")) {
    co_await exchange.send_error(make_error(Errc::io_error, "the upload was published but "
                                                            "could not be opened again"));
    co_return;
  }
  std::string version = fields["version"];
  auto status = stream_in.target_existed ? bhttp::status::ok : bhttp::status::created;
  auto response = json_response(status, {{"size", fields["offset"]}, {"version", version}});
  response.set(bhttp::field::etag, "\"" + version + "\"");
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http
