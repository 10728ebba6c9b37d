#include "server/http/file_download.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>

#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/http_context.h"
#include "server/http/range.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/http/user_store.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunkBytes = 256 * 1024;

std::int64_t seconds_of(std::int64_t ns) {
  auto s = ns / 1'000'000'000;
  return ns < 0 && ns % 1'000'000'000 != 0 ? s - 1 : s;
}

// Writes `length` bytes of `fd` from `offset`: pread on the blocking pool, then a socket write
// with a progress deadline. False when the peer went away or the file could not be read (the
// connection must then close: the response is already promised to be longer).
asio::awaitable<bool> send_file_body(Exchange& exchange, int fd, std::uint64_t offset,
                                     std::uint64_t length) {
  auto& server = exchange.context().server;
  std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(length, kChunkBytes)));
  while (length > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, chunk.size()));
    // Captures references and plain values only (server/blocking.h).
    auto got =
        co_await run_blocking(server.blocking_pool, [fd, &chunk, want, offset]() -> std::int64_t {
          auto n = ::pread(fd, chunk.data(), want, static_cast<off_t>(offset));
          return n < 0 ? -errno : n;
        });
    if (got <= 0) {
      spdlog::warn("http: reading a download failed: {}",
                   got == 0 ? "the file shrank" : std::strerror(static_cast<int>(-got)));
      co_return false;
    }
    exchange.stream().expires_after(server.config.http_body_timeout);
    auto [ec, n] = co_await asio::async_write(
        exchange.stream(), asio::buffer(chunk.data(), static_cast<std::size_t>(got)), kAsTuple);
    if (ec) co_return false;
    offset += static_cast<std::uint64_t>(got);
    length -= static_cast<std::uint64_t>(got);
  }
  co_return true;
}

std::string_view base_name(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string content_disposition(std::string_view file_name) {
  std::string fallback;
  for (char c : file_name) {
    auto u = static_cast<unsigned char>(c);
    fallback.push_back(u < 0x20 || u >= 0x7F || c == '"' || c == '\\' ? '_' : c);
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", fallback,
                     percent_encode_rfc5987(file_name));
}

asio::awaitable<void> serve_download(Exchange& exchange, const Caller& caller,
                                     const std::string& path) {
  auto& server = exchange.context().server;
  auto opened = co_await with_user_store(
      server, caller.username,
      [&path](storage::FileStore& store) { return store.open_for_download(path); });
  if (!opened) {
    co_await exchange.send_error(opened.error());
    co_return;
  }
  const auto& file = *opened;
  std::string etag = "\"" + file.version + "\"";
  auto modified = seconds_of(file.mtime_ns);

  bhttp::response<bhttp::empty_body> response{bhttp::status::ok, 11};
  response.set(bhttp::field::etag, etag);
  response.set(bhttp::field::last_modified, http_date(modified));
  response.set(bhttp::field::accept_ranges, "bytes");
  // Revalidate every time: the ETag makes that a cheap 304.
  response.set(bhttp::field::cache_control, "private, no-cache");

  auto if_none_match = exchange.header(bhttp::field::if_none_match);
  auto if_modified_since = parse_http_date(exchange.header(bhttp::field::if_modified_since));
  bool not_modified = !if_none_match.empty() ? if_none_match_matches(if_none_match, etag)
                                             : if_modified_since && modified <= *if_modified_since;
  if (not_modified) {
    response.result(bhttp::status::not_modified);
    exchange.prepare(response.base());
    bhttp::response_serializer<bhttp::empty_body> serializer(response);
    exchange.stream().expires_after(server.config.http_body_timeout);
    auto [ec, n] = co_await bhttp::async_write_header(exchange.stream(), serializer, kAsTuple);
    if (ec) exchange.close_after();
    exchange.mark_responded();
    co_return;
  }

  RangePlan plan;
  auto range = exchange.header(bhttp::field::range);
  auto if_range = exchange.header(bhttp::field::if_range);
  if (!range.empty() && (if_range.empty() || if_range_matches(if_range, etag, modified))) {
    plan = plan_range(range, file.size);
  }
  if (plan.kind == RangePlan::Kind::unsatisfiable) {
    auto refusal =
        error_response(bhttp::status::range_not_satisfiable, Errc::offset_out_of_range,
                       fmt::format("the range is outside the file ({} bytes)", file.size));
    refusal.set(bhttp::field::content_range, fmt::format("bytes */{}", file.size));
    refusal.set(bhttp::field::etag, etag);
    refusal.set(bhttp::field::accept_ranges, "bytes");
    co_await exchange.send(std::move(refusal));
    co_return;
  }
  std::uint64_t offset = 0, length = file.size;
  if (plan.kind == RangePlan::Kind::partial) {
    offset = plan.first;
    length = plan.last - plan.first + 1;
    response.result(bhttp::status::partial_content);
    response.set(bhttp::field::content_range,
                 fmt::format("bytes {}-{}/{}", plan.first, plan.last, file.size));
  }
  response.set(bhttp::field::content_type, "application/octet-stream");
  response.set(bhttp::field::content_disposition, content_disposition(base_name(path)));
  response.content_length(length);
  exchange.prepare(response.base());

  // The header goes out through Beast; the body is written raw, chunk by chunk.
  bhttp::response_serializer<bhttp::empty_body> serializer(response);
  exchange.stream().expires_after(server.config.http_body_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(exchange.stream(), serializer, kAsTuple);
  exchange.mark_responded();
  if (ec) {
    exchange.close_after();
    co_return;
  }
  if (exchange.request().method() == bhttp::verb::head || length == 0) co_return;
  if (!co_await send_file_body(exchange, file.fd.get(), offset, length)) exchange.close_after();
}

}  // namespace netdisk::server::http
