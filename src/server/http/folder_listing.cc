#include "server/http/folder_listing.h"

#include <limits>

#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/field_text.h"
#include "server/http/http_services.h"
#include "server/http/listing_html.h"
#include "server/http/preconditions.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/listing_json.h"
#include "server/ops/session.h"
#include "server/ops/storage_access.h"
#include "server/storage_errors.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;

// The q value of one media range ("application/json;q=0.5"): 1 unless given, 0 if malformed.
double quality(std::string_view params) {
  while (!params.empty()) {
    auto semi = params.find(';');
    auto param = trim_ows(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
    auto value = param.substr(2);
    double q = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
    return ec == std::errc{} && end == value.data() + value.size() ? q : 0.0;
  }
  return 1.0;
}

StringResponse html_page(std::string body) {
  StringResponse response{bhttp::status::ok, 11};
  response.set(bhttp::field::content_type, "text/html; charset=utf-8");
  // Names are escaped; this is a second wall: the page runs no script and loads nothing.
  response.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  response.body() = std::move(body);
  return response;
}

// {"entries": [...], "path": folder}, as json_response() would dump it, written without a
// DOM (server/listing_json.h): a folder may hold many thousands of entries.
StringResponse json_page(const std::string& folder, const std::vector<storage::DirEntry>& entries) {
  StringResponse response{bhttp::status::ok, 11};
  response.set(bhttp::field::content_type, "application/json; charset=utf-8");
  std::string body;
  body.reserve(32 + folder.size() + entries.size() * 100);
  body += "{\"entries\":";
  append_entries_json(body, entries);
  body += ",\"path\":";
  append_json_string(body, folder);
  body += '}';
  response.body() = std::move(body);
  return response;
}

}  // namespace

bool wants_json(std::string_view accept) {
  std::optional<double> json_q, html_q;
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto range = trim_ows(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    auto semi = range.find(';');
    auto type = trim_ows(range.substr(0, semi));
    auto q = semi == std::string_view::npos ? 1.0 : quality(range.substr(semi + 1));
    if (iequals(type, "application/json")) json_q = q;
    if (iequals(type, "text/html")) html_q = q;
  }
  return json_q && *json_q > 0 && (!html_q || *json_q >= *html_q);
}

asio::awaitable<void> redirect_to_folder(Exchange& exchange) {
  auto target = split_target(exchange.request().target());
  std::string location = std::string(target.path) + "/";
  if (!target.query.empty()) location += "?" + std::string(target.query);
  StringResponse response{bhttp::status::moved_permanently, 11};
  response.set(bhttp::field::location, location);
  co_await exchange.send(std::move(response));
}

asio::awaitable<void> refuse_file_as_folder(Exchange& exchange) {
  co_await exchange.send(error_response(bhttp::status::not_found, Errc::not_a_directory,
                                        "this is a file, not a folder: drop the trailing /"));
}

asio::awaitable<void> serve_folder(Exchange& exchange, const Caller& caller,
                                   const std::string& folder, std::string_view shown) {
  // The whole folder, not a page of it as the list op gives: this is a page for people.
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  auto listed = co_await ops::with_space(session, [&folder](storage::UserSpace& space) {
    return to_wire(space.list(folder, "", std::numeric_limits<std::size_t>::max()));
  });
  if (!listed && listed.error().code == Errc::not_a_directory) {
    co_return co_await refuse_file_as_folder(exchange);
  }
  if (!listed) co_return co_await exchange.send_error(listed.error());
  // A folder has no validators of its own: only "*" forms of If-Match / If-None-Match apply.
  auto verdict = evaluate_preconditions(read_preconditions(exchange.request()), Validators{}, true);
  if (verdict == Verdict::failed) {
    co_return co_await exchange.send_error(
        make_error(Errc::precondition_failed, "a folder has no entity tag to match"));
  }
  if (verdict == Verdict::not_modified) {
    StringResponse not_modified{bhttp::status::not_modified, 11};
    co_return co_await exchange.send(std::move(not_modified));
  }
  StringResponse response;
  if (wants_json(exchange.header(bhttp::field::accept))) {
    response = json_page(shown.empty() ? folder : std::string(shown), *listed);
  } else {
    std::string url_path = folder.empty() ? "/files/" : "/files/" + folder + "/";
    if (!shown.empty()) url_path = shown;
    response = html_page(listing_html(url_path, *listed));
  }
  response.set(bhttp::field::vary, "Accept");
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http
