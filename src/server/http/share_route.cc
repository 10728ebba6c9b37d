#include "server/http/share_route.h"

#include <limits>

#include <fmt/format.h>

#include "server/blocking.h"
#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/file_download.h"
#include "server/http/file_upload.h"
#include "server/http/folder_listing.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/ops/session.h"
#include "server/ops/storage_access.h"
#include "server/services.h"
#include "storage/safe_path.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;
using Verb = bhttp::verb;

constexpr const char* kShareChallenge = "Basic realm=\"NetDisk share link\", charset=\"UTF-8\"";
// The most " (n)" suffixes a drop box tries before it refuses a name.
constexpr int kMaxDropSuffix = 99;

// One URL's view of its link: the token, and what follows it.
struct ShareUrl {
  std::string_view token;
  bool slash = false;     // something follows the token, if only "/"
  std::string_view rest;  // after "/s/<token>/", still encoded
};

ShareUrl split_share_url(std::string_view rest) {
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return {rest, false, {}};
  return {rest.substr(0, slash), true, rest.substr(slash + 1)};
}

// The decoded path under the link's root, "" for the root itself, with `folder` set when it
// ends in "/". nullopt for anything that could step out of the root or is not a plain path:
// empty, "." or ".." components (encoded or not), backslashes, NUL.
struct SubPath {
  std::string path;
  bool folder = false;
};
std::optional<SubPath> decode_sub_path(std::string_view encoded) {
  auto decoded = percent_decode(encoded);
  if (!decoded) return std::nullopt;
  SubPath sub{std::move(*decoded), false};
  if (sub.path.empty()) return SubPath{"", true};
  if (sub.path.back() == '/') {
    sub.folder = true;
    sub.path.pop_back();
  }
  // The storage layer refuses these too; this keeps them from ever reaching it.
  if (!storage::split_user_path(sub.path)) return std::nullopt;
  return sub;
}

std::string join(const std::string& root, const std::string& sub) {
  if (sub.empty()) return root;
  return root.empty() ? sub : root + "/" + sub;
}

asio::awaitable<void> no_such_link(Exchange& exchange) {
  co_await exchange.send_error(make_error(Errc::not_found, "no such link"));
}

asio::awaitable<void> only_get(Exchange& exchange, std::string_view allow) {
  auto response = error_response(bhttp::status::method_not_allowed, Errc::bad_request,
                                 "this link does not take that method");
  response.set(bhttp::field::allow, allow);
  co_await exchange.send(std::move(response));
}

// The link's password from Basic credentials; sends the refusal itself and returns false.
asio::awaitable<bool> unlock(Exchange& exchange, const ShareRecord& link) {
  auto& server = exchange.services().server;
  auto password = basic_password(exchange.header(bhttp::field::authorization));
  Status checked = make_error(Errc::auth_failed, "this link needs its password");
  if (password) {
    std::string address = exchange.connection().peer_address;
    checked = co_await run_blocking(server.blocking_pool, [&server, &link, &password, &address] {
      return server.shares.check_password(link, *password, address);
    });
  }
  if (checked.ok()) co_return true;
  auto response = error_response(checked.error());
  if (response.result() == bhttp::status::unauthorized) {
    response.set(bhttp::field::www_authenticate, kShareChallenge);
  }
  co_await exchange.send(std::move(response));
  co_return false;
}

// Counts a download when its first byte is byte 0: a resume does not use up the link.
class CountingGate final : public DownloadGate {
 public:
  CountingGate(Services& server, std::string digest)
      : server_(server), digest_(std::move(digest)) {}

  asio::awaitable<Status> before_body(std::uint64_t first_byte) override {
    if (first_byte != 0) co_return Status{};
    auto& shares = server_.shares;
    const auto& digest = digest_;
    co_return co_await run_blocking(server_.blocking_pool,
                                    [&shares, &digest] { return shares.count_download(digest); });
  }

 private:
  Services& server_;
  std::string digest_;
};

asio::awaitable<void> serve_file_link(Exchange& exchange, const ShareRecord& link,
                                      const ShareUrl& url) {
  if (url.slash) co_return co_await no_such_link(exchange);
  auto method = exchange.request().method();
  if (method != Verb::get && method != Verb::head)
    co_return co_await only_get(exchange, "GET, HEAD");
  CountingGate gate(exchange.services().server, link.digest);
  // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
  Caller owner{link.owner, false};
  co_await serve_download(exchange, owner, link.path, &gate);
}

asio::awaitable<void> serve_folder_link(Exchange& exchange, const ShareRecord& link,
                                        const ShareUrl& url, const SubPath& sub) {
  auto method = exchange.request().method();
  if (method != Verb::get && method != Verb::head)
    co_return co_await only_get(exchange, "GET, HEAD");
  Caller owner{link.owner, false};
  std::string path = join(link.path, sub.path);
  if (!sub.folder) {
    CountingGate gate(exchange.services().server, link.digest);
    co_return co_await serve_download(exchange, owner, path, &gate);
  }
  std::string shown = fmt::format("/s/{}/{}", url.token, sub.path);
  if (!sub.path.empty()) shown += '/';
  co_await serve_folder(exchange, owner, path, shown);
}

StringResponse drop_page() {
  StringResponse response{bhttp::status::ok, 11};
  response.set(bhttp::field::content_type, "text/html; charset=utf-8");
  response.set("Content-Security-Policy",
               "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
               "form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
  response.set(bhttp::field::cache_control, "no-store");
  response.set("Referrer-Policy", "no-referrer");
  response.body() =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Drop box</title>\n"
      "<link rel=\"stylesheet\" href=\"/style.css\">\n"
      "<script src=\"/dropbox.js\" defer></script></head>\n<body class=\"dropbox\">\n"
      "<h1>Drop box</h1>\n<p>Files sent here go to the owner of this link. Nothing already "
      "there is shown, and nothing is replaced.</p>\n"
      "<input type=\"file\" id=\"drop-files\" multiple>\n"
      "<button type=\"button\" id=\"drop-send\">Send</button>\n"
      "<ul id=\"drop-status\"></ul>\n</body></html>\n";
  return response;
}

// `name` itself when nothing is there, else "stem (n).ext" with the first free n.
Result<std::string> free_name(storage::UserSpace& space, const std::string& folder,
                              const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == 0 || dot == std::string::npos) dot = name.size();
  for (int n = 0; n <= kMaxDropSuffix; ++n) {
    std::string candidate =
        n == 0 ? name : fmt::format("{} ({}){}", name.substr(0, dot), n, name.substr(dot));
    if (!storage::validate_name(candidate).ok()) break;
    auto state = space.target_state(join(folder, candidate));
    if (!state) return wire_error(state.error());
    if (!state->exists) return candidate;
  }
  return make_error(Errc::already_exists, "too many files of that name: rename it first");
}

asio::awaitable<void> serve_drop_box(Exchange& exchange, const ShareRecord& link,
                                     const SubPath& sub) {
  auto method = exchange.request().method();
  if (sub.path.empty() && sub.folder) {
    if (method != Verb::get && method != Verb::head)
      co_return co_await only_get(exchange, "GET, HEAD");
    co_return co_await exchange.send(drop_page());
  }
  // Only a name straight in the drop box, and only to add a file: no GET of what is there.
  if (method != Verb::put || sub.folder || sub.path.find('/') != std::string::npos) {
    co_return co_await no_such_link(exchange);
  }
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(link.owner);
  const std::string& folder = link.path;
  const std::string& name = sub.path;
  auto chosen = co_await ops::with_space(session, [&folder, &name](storage::UserSpace& space) {
    return free_name(space, folder, name);
  });
  if (!chosen) {
    exchange.close_after();
    Error error = std::move(chosen).error();
    co_return co_await exchange.send_error(error);
  }
  // require_absent: a name taken since it was picked is refused, never replaced.
  Caller owner{link.owner, false};
  std::string target = join(folder, *chosen);
  storage::TargetCheck absent = storage::require_absent();
  co_await serve_upload(exchange, owner, target, &absent);
}

}  // namespace

asio::awaitable<void> route_share(Exchange& exchange, std::string_view rest) {
  auto& server = exchange.services().server;
  auto url = split_share_url(rest);
  // The book may be PostgreSQL (cluster mode): never read on an I/O thread.
  auto now = server.wall_clock();
  auto& shares = server.shares;
  std::string token(url.token);
  auto link = co_await run_blocking(server.blocking_pool,
                                    [&shares, &token, now] { return shares.open(token, now); });
  if (!link) {
    Error error = std::move(link).error();
    co_return co_await exchange.send_error(error);
  }
  // A link ends with its owner's account: removed or disabled, it answers as unknown.
  auto owner = co_await server.accounts.find_user_anywhere(link->owner);
  if (!owner || owner->state != storage::AccountState::active) {
    co_return co_await no_such_link(exchange);
  }
  if (!link->password_hash.empty() && !co_await unlock(exchange, *link)) co_return;
  if (!link->folder) co_return co_await serve_file_link(exchange, *link, url);
  // A folder's URL ends in "/", so that the listing's relative links resolve inside it.
  if (!url.slash) co_return co_await redirect_to_folder(exchange);
  auto sub = decode_sub_path(url.rest);
  if (!sub) co_return co_await no_such_link(exchange);
  if (link->upload_only) co_return co_await serve_drop_box(exchange, *link, *sub);
  co_await serve_folder_link(exchange, *link, url, *sub);
}

}  // namespace netdisk::server::http
