#include "server/http/responses.h"

#include <time.h>

#include <array>
#include <cstring>

#include "common/time_format.h"
#include "server/version.h"

namespace netdisk::server::http {

bhttp::status status_for(Errc code) {
  using S = bhttp::status;
  switch (code) {
    case Errc::bad_json:
    case Errc::bad_request:
    case Errc::invalid_path:
    case Errc::invalid_username:
    case Errc::invalid_password:
    case Errc::size_mismatch:
    case Errc::checksum_mismatch:
    case Errc::bad_frame:
      return S::bad_request;
    case Errc::not_logged_in:
    case Errc::auth_failed:
    case Errc::session_expired:
    case Errc::handshake_required:
      return S::unauthorized;
    case Errc::permission_denied:
    case Errc::registration_closed:
    case Errc::invite_required:
    case Errc::invalid_invite:
    case Errc::account_disabled:
      return S::forbidden;
    case Errc::not_found:
    case Errc::unknown_op:
      return S::not_found;
    case Errc::already_exists:
    case Errc::user_exists:
    case Errc::not_a_directory:
    case Errc::is_a_directory:
    case Errc::not_empty:
    case Errc::version_mismatch:
      return S::conflict;
    case Errc::offset_out_of_range:
      return S::range_not_satisfiable;
    case Errc::precondition_failed:
      return S::precondition_failed;
    case Errc::locked:
      return S::locked;
    case Errc::frame_too_large:
    case Errc::message_too_large:
      return S::payload_too_large;
    case Errc::timeout:
      return S::request_timeout;
    case Errc::rate_limited:
    case Errc::too_many_connections:
      return S::too_many_requests;
    case Errc::server_busy:
    case Errc::shutting_down:
    case Errc::workbook_invalid:
      return S::service_unavailable;
    case Errc::disk_full:
    case Errc::quota_exceeded:
      return S::insufficient_storage;
    case Errc::share_gone:
      return S::gone;
    case Errc::unsupported_version:
    case Errc::tls_required:  // TCP-port codes; HTTP never sends them
    case Errc::tls_unavailable:
    case Errc::io_error:
    case Errc::internal_error:
      return S::internal_server_error;
  }
  return S::internal_server_error;
}

StringResponse json_response(bhttp::status status, const nlohmann::json& body) {
  // Invalid UTF-8 in a message (for example an echoed name) is replaced, never thrown about.
  return json_text_response(status,
                            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

StringResponse json_text_response(bhttp::status status, std::string body) {
  StringResponse response{status, 11};
  response.set(bhttp::field::content_type, "application/json; charset=utf-8");
  response.body() = std::move(body);
  return response;
}

StringResponse error_response(bhttp::status status, Errc code, std::string message) {
  return json_response(
      status,
      {{"error", {{"code", std::string(errc_name(code))}, {"message", std::move(message)}}}});
}

StringResponse error_response(const Error& error) {
  return error_response(status_for(error.code), error.code, error.message);
}

void add_common_headers(bhttp::response_header<>& header) {
  header.set(bhttp::field::server, std::string("netdiskd/") + kNetdiskVersion);
  header.set("X-Content-Type-Options", "nosniff");
  if (header.find(bhttp::field::cache_control) == header.end()) {
    header.set(bhttp::field::cache_control, "no-store");
  }
}

namespace {

std::string strftime_http_date(std::int64_t seconds) {
  time_t t = static_cast<time_t>(seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 64> text{};
  auto n = strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text.data(), n);
}

void append_two_digits(std::string& out, int value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

void append_http_date(std::string& out, std::int64_t seconds) {
  auto civil = civil_utc(seconds);
  // Outside four-digit years strftime's widths differ: let it write those (never in practice).
  if (civil.year < 1000 || civil.year > 9999) {
    out += strftime_http_date(seconds);
    return;
  }
  static constexpr std::string_view kDays = "SunMonTueWedThuFriSat";
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  out += kDays.substr(static_cast<std::size_t>(civil.weekday) * 3, 3);
  out += ", ";
  append_two_digits(out, civil.day);
  out += ' ';
  out += kMonths.substr(static_cast<std::size_t>(civil.month - 1) * 3, 3);
  out += ' ';
  append_two_digits(out, static_cast<int>(civil.year / 100));
  append_two_digits(out, static_cast<int>(civil.year % 100));
  out += ' ';
  append_time_of_day(out, civil);
  out += " GMT";
}

std::string http_date(std::int64_t seconds) {
  std::string out;
  append_http_date(out, seconds);
  return out;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  // Only the IMF-fixdate form we send; RFC 850 and asctime dates are treated as not matching,
  // which is always safe for If-Range (the whole file is sent) and If-Modified-Since.
  std::string copy(text);
  tm utc{};
  const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &utc);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&utc));
}

}  // namespace netdisk::server::http
