#include "server/http/file_download.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/byteranges.h"
#include "server/http/content_disposition.h"
#include "server/http/exchange.h"
#include "server/http/file_body.h"
#include "server/http/folder_listing.h"
#include "server/http/http_services.h"
#include "server/http/preconditions.h"
#include "server/http/range.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"
#include "server/services.h"
#include "server/transfer/inline_read.h"
#include "storage/user_space.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kFileType = "application/octet-stream";

std::string_view base_name(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The response header as it goes on the wire (status line, fields, blank line).
std::string header_text(const bhttp::response_header<>& header) {
  bhttp::response<bhttp::empty_body> head{header};
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  std::string text;
  boost::system::error_code ec;
  serializer.split(true);
  serializer.next(ec, [&](boost::system::error_code&, const auto& buffers) {
    for (auto piece : beast::buffers_range_ref(buffers)) {
      text.append(static_cast<const char*>(piece.data()), piece.size());
    }
    serializer.consume(beast::buffer_bytes(buffers));
  });
  return text;
}

// Writes the response header. False when there is nothing more to send: a HEAD request, or
// the write failed (then the connection closes).
asio::awaitable<bool> send_head(Exchange& exchange, bhttp::response<bhttp::empty_body>& response) {
  // The header goes out through Beast; the body is written raw (file_body.h).
  bool sent = co_await exchange.send_header(response);
  co_return sent && exchange.request().method() != bhttp::verb::head;
}

asio::awaitable<bool> send_text(Exchange& exchange, const std::string& text) {
  exchange.deadline().arm_after(exchange.services().server.live.http_body_timeout());
  auto [ec, n] = co_await asio::async_write(exchange.stream(), asio::buffer(text), kAsTuple);
  co_return !ec;
}

// 206 multipart/byteranges: each part's header through the stream, its bytes as a file body.
asio::awaitable<void> send_multipart(Exchange& exchange,
                                     bhttp::response<bhttp::empty_body>& response,
                                     storage::OpenFile& file, std::uint64_t size,
                                     const std::vector<ByteRange>& ranges,
                                     telemetry::OpTrace& trace) {
  auto framing = frame_multipart(ranges, size, kFileType, random_boundary());
  response.result(bhttp::status::partial_content);
  response.set(bhttp::field::content_type, framing.content_type);
  response.content_length(framing.content_length);
  if (!co_await send_head(exchange, response)) co_return;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (!co_await send_text(exchange, framing.part_headers[i]) ||
        !co_await send_file_body(exchange, file, ranges[i].first, ranges[i].length())) {
      trace.fail(Errc::io_error);  // the body ended early: the peer left, stalled, or a read failed
      exchange.close_after();
      co_return;
    }
    trace.add_out(ranges[i].length());
  }
  if (!co_await send_text(exchange, framing.closing)) exchange.close_after();
}

// The storage space of the last user whose file this I/O thread served, kept for five seconds so
// that the next request of that user (the same keep-alive client, or another connection of
// it) has a space open and the download op can open the file right here, without a hop to the
// blocking pool; a TCP session keeps its own for its whole life. Only ever handed to requests
// of that same authenticated user; the five seconds bound how long a folder removed meanwhile
// keeps being looked up through the old handle. Touched on this thread only.
struct RecentSpace {
  std::string user;
  std::shared_ptr<storage::UserSpace> space;
  TimePoint until{};
};
thread_local RecentSpace recent;
constexpr auto kKeepSpaceFor = std::chrono::seconds(5);

std::shared_ptr<storage::UserSpace> recent_space(const std::string& user, TimePoint now) {
  if (recent.user != user || now >= recent.until) return nullptr;
  return recent.space;
}

void keep_space(const std::string& user, const std::shared_ptr<storage::UserSpace>& space,
                TimePoint now) {
  if (!space) return;
  if (recent.user != user || recent.space != space) {
    recent.user = user;
    recent.space = space;
    recent.until = now + kKeepSpaceFor;
  }
}

// A small GET body read from the page cache goes out with its header in one write, instead of
// a header write (Beast splits a header of more than 8 fields in two) and a sendfile(2). Only
// where --send-mode sendfile already reads file pages on the I/O thread. False when it did not
// apply: send it as usual.
asio::awaitable<bool> send_small(Exchange& exchange,
                                 bhttp::response<bhttp::empty_body>& response,
                                 storage::OpenFile& file, std::uint64_t offset,
                                 std::uint64_t length) {
  if (exchange.request().method() != bhttp::verb::get ||
      exchange.services().server.config.send_mode != SendMode::sendfile) {
    co_return false;
  }
  auto bytes = transfer::read_inline(file, offset, length);
  if (!bytes) co_return false;
  exchange.prepare(response.base());
  response.content_length(length);
  std::string wire = header_text(response.base());
  wire += *bytes;
  exchange.deadline().arm_after(exchange.services().server.live.http_body_timeout());
  auto [ec, n] = co_await asio::async_write(exchange.stream(), asio::buffer(wire), kAsTuple);
  exchange.mark_responded();
  if (ec) exchange.close_after();
  co_return true;
}

}  // namespace

asio::awaitable<void> serve_download(Exchange& exchange, const Caller& caller,
                                     const std::string& path, DownloadGate* gate) {
  // The download op opens the whole file (offset 0); ranges are HTTP's, chosen below.
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  auto& server = exchange.services().server;
  session.space() = recent_space(caller.username, server.now());
  nlohmann::json body = {{"path", path}};
  ops::OpCall call{server, session, body};
  const auto& op = ops::files_op(ops::FilesRole::read);
  auto opened = co_await ops::dispatch(&op, op.name, call);
  keep_space(caller.username, session.space(), server.now());
  if (!opened && opened.error().code == Errc::is_a_directory) {
    co_await redirect_to_folder(exchange);
    co_return;
  }
  if (!opened) {
    co_await exchange.send_error(opened.error());
    co_return;
  }
  auto& file = *opened->stream_out->file;
  std::string etag = "\"" + file.version() + "\"";
  auto modified = seconds_of(file.mtime_ns());

  bhttp::response<bhttp::empty_body> response{bhttp::status::ok, 11};
  response.set(bhttp::field::etag, etag);
  response.set(bhttp::field::last_modified, http_date(modified));
  response.set(bhttp::field::accept_ranges, "bytes");
  // Revalidate every time: the ETag makes that a cheap 304.
  response.set(bhttp::field::cache_control, "private, no-cache");

  auto verdict = evaluate_preconditions(read_preconditions(exchange.request()),
                                        Validators{etag, modified}, true);
  if (verdict == Verdict::failed) {
    co_await exchange.send_error(make_error(Errc::precondition_failed,
                                            "the file does not match the request's If-Match or "
                                            "If-Unmodified-Since"));
    co_return;
  }
  if (verdict == Verdict::not_modified) {
    response.result(bhttp::status::not_modified);
    co_await send_head(exchange, response);
    co_return;
  }

  RangePlan plan;
  auto range = exchange.header(bhttp::field::range);
  auto if_range = exchange.header(bhttp::field::if_range);
  if (!range.empty() && (if_range.empty() || if_range_matches(if_range, etag, modified))) {
    plan = plan_range(range, file.size());
  }
  if (plan.kind == RangePlan::Kind::unsatisfiable) {
    auto refusal =
        error_response(bhttp::status::range_not_satisfiable, Errc::offset_out_of_range,
                       fmt::format("the range is outside the file ({} bytes)", file.size()));
    refusal.set(bhttp::field::content_range, fmt::format("bytes */{}", file.size()));
    refusal.set(bhttp::field::etag, etag);
    refusal.set(bhttp::field::accept_ranges, "bytes");
    co_await exchange.send(std::move(refusal));
    co_return;
  }
  if (gate != nullptr && exchange.request().method() == bhttp::verb::get) {
    bool partial = plan.kind == RangePlan::Kind::partial;
    auto admitted = co_await gate->before_body(partial ? plan.ranges.front().first : 0);
    if (!admitted.ok()) {
      Error refusal = std::move(admitted).error();
      co_return co_await exchange.send_error(refusal);
    }
  }
  response.set(bhttp::field::content_disposition, content_disposition(base_name(path)));
  if (plan.kind == RangePlan::Kind::partial && plan.ranges.size() > 1) {
    co_await send_multipart(exchange, response, file, file.size(), plan.ranges, opened->trace);
    co_return;
  }
  std::uint64_t offset = 0, length = file.size();
  if (plan.kind == RangePlan::Kind::partial) {
    const auto& part = plan.ranges.front();
    offset = part.first;
    length = part.length();
    response.result(bhttp::status::partial_content);
    response.set(bhttp::field::content_range,
                 fmt::format("bytes {}-{}/{}", part.first, part.last, file.size()));
  }
  response.set(bhttp::field::content_type, kFileType);
  // The op's record (telemetry/op_trace.h) counts the body's bytes; it is finished when
  // `opened` goes, at the end of this function.
  auto& trace = opened->trace;
  if (co_await send_small(exchange, response, file, offset, length)) {
    trace.add_out(length);
    co_return;
  }
  response.content_length(length);
  if (!co_await send_head(exchange, response)) co_return;
  if (!co_await send_file_body(exchange, file, offset, length)) {
    trace.fail(Errc::io_error);  // the body ended early: the peer left, stalled, or a read failed
    exchange.close_after();
    co_return;
  }
  trace.add_out(length);
}

}  // namespace netdisk::server::http
