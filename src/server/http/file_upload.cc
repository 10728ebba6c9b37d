#include "server/http/file_upload.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/chunked_body.h"
#include "server/http/dav/write_gate.h"
#include "server/http/exchange.h"
#include "server/http/http_services.h"
#include "server/http/preconditions.h"
#include "server/http/responses.h"
#include "server/logging/component_log.h"
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

// How the request frames its body, and the size it announces if any.
struct Framing {
  bool chunked = false;
  std::optional<std::uint64_t> size;  // Content-Length, or X-Expected-Entity-Length if chunked
};

// A strict decimal count, as Content-Length is parsed: digits only, no sign, no overflow.
std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The body's framing, or the response that refuses it. A chunked body may announce its size
// in X-Expected-Entity-Length (macOS Finder does); it is then held to it exactly.
std::variant<Framing, StringResponse> read_framing(Exchange& exchange) {
  auto& parser = exchange.parser();
  auto coding = exchange.header(bhttp::field::transfer_encoding);
  if (!coding.empty() && !beast::iequals(coding, "chunked")) {
    // Beast would decode the chunked layer and leave, say, gzip bytes as the file.
    return error_response(bhttp::status::not_implemented, Errc::bad_request,
                          "only the chunked transfer coding is supported");
  }
  if (!parser.chunked()) {
    if (!parser.content_length()) {
      return error_response(bhttp::status::length_required, Errc::bad_request,
                            "PUT needs a Content-Length or a chunked body");
    }
    return Framing{false, *parser.content_length()};
  }
  auto expected = exchange.header("X-Expected-Entity-Length");
  if (expected.empty()) return Framing{true, std::nullopt};
  auto size = parse_count(expected);
  if (!size) {
    return error_response(bhttp::status::bad_request, Errc::bad_request,
                          "X-Expected-Entity-Length must be a byte count");
  }
  return Framing{true, size};
}

// Reads the body into `upload` through the transfer engine (transfer/transfer_engine.h), as
// the TCP protocol reads an upload's stream. A body with a length: first the bytes already in
// the connection's buffer (read with the headers), then exactly the rest from the stream. A
// chunked body: decoded by Beast's parser (chunked_body.h) from that buffer and the stream.
// Either way anything after the body (a pipelined request) stays unread, so the connection can
// go on. Paced by --min-stream-rate, bounded by --http-body-timeout; a failed disk write ends
// it at once (the exchange closes, so the unread rest does not matter).
asio::awaitable<Status> receive_body(Exchange& exchange, storage::UploadSink& upload,
                                     const Framing& framing) {
  auto& server = exchange.services().server;
  transfer::ActivityClock pace(server.live.http_body_timeout(), server.live.min_stream_rate(),
                               server.now);
  transfer::UploadTarget sink(upload);
  auto env = exchange.transfer_env(pace);
  exchange.deadline().disarm();  // the transfer's own StallGuard times the body
  Status received;
  if (framing.chunked) {
    ChunkedBody body(exchange.parser(), exchange.buffer());
    received = co_await transfer::receive_body(exchange.stream(), body, sink, env,
                                               transfer::OnSinkError::stop);
  } else {
    auto& buffer = exchange.buffer();
    auto buffered = static_cast<std::size_t>(std::min<std::uint64_t>(*framing.size, buffer.size()));
    std::span<const std::byte> early(static_cast<const std::byte*>(buffer.data().data()), buffered);
    received = co_await transfer::receive(exchange.stream(), early, sink, *framing.size, env,
                                          transfer::OnSinkError::stop);
    buffer.consume(buffered);  // only now: `early` pointed into it
  }
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
                                   const std::string& path, const storage::TargetCheck* forced) {
  auto& server = exchange.services().server;
  auto framed = read_framing(exchange);
  if (auto* refusal = std::get_if<StringResponse>(&framed)) {
    exchange.close_after();
    co_await exchange.send(std::move(*refusal));
    co_return;
  }
  const auto framing = std::get<Framing>(framed);
  std::vector<dav::WriteTarget> targets{{path, false}};  // named: GCC 12 and braced lists
  if (!co_await dav::pass_write_gate(exchange, caller, path, std::move(targets))) co_return;
  auto conditions = read_preconditions(exchange.request());
  // The upload op checks these before any body byte is read, and again where it commits.
  auto check = conditions.any() ? precondition_check(conditions) : storage::TargetCheck{};
  if (forced != nullptr) check = *forced;
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  // No "size" for a chunked body that announces none: the op begins an unsized upload.
  nlohmann::json announce = {{"path", path}};
  if (framing.size) announce["size"] = *framing.size;
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
  nlohmann::json data = nlohmann::json::object();
  if (framing.size) data["stream"] = *framing.size;
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
    exchange.deadline().arm_after(server.live.http_body_timeout());
    auto [ec, n] = co_await bhttp::async_write(exchange.stream(), go_on, kAsTuple);
    if (ec) {
      exchange.close_after();
      co_return;
    }
  }

  // The op's record (telemetry/op_trace.h) counts the bytes the sink took; it is finished
  // when `streaming` goes, after the reply.
  auto& trace = streaming->trace;
  const auto held_before = stream_in.sink->offset();
  auto received = co_await receive_body(exchange, *stream_in.sink, framing);
  trace.add_in(stream_in.sink->offset() - held_before);
  bool body_read = received.ok();
  if (!body_read) {
    log_of(LogComponent::http)
        .info("http: upload of {} by {} failed: {}", path, caller.username,
              received.error().message);
  }
  // Commits, or after a failed body removes the partial (an HTTP PUT does not resume).
  auto published = co_await stream_in.finish(data_call, std::move(received));
  if (!body_read) exchange.close_after();
  if (!published) {
    trace.fail(published.error().code);
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
