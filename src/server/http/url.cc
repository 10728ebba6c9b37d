#include "server/http/url.h"

#include <fmt/format.h>

namespace netdisk::server::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Minimal UTF-8 well-formedness check (no overlongs, no surrogates, at most U+10FFFF).
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      unsigned min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (d < min || d > max) return false;
    }
    i += extra + 1;
  }
  return true;
}

constexpr std::string_view kHex = "0123456789ABCDEF";

void append_encoded_except(std::string& out, std::string_view text, std::string_view keep) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 keep.find(c) != std::string_view::npos;
    if (plain) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
}

std::string encode_except(std::string_view text, std::string_view keep) {
  std::string out;
  out.reserve(text.size());
  append_encoded_except(out, text, keep);
  return out;
}

constexpr std::string_view kPathKeeps = "/-._~";

}  // namespace

Target split_target(std::string_view target) {
  auto mark = target.find('?');
  if (mark == std::string_view::npos) return {target, {}};
  return {target.substr(0, mark), target.substr(mark + 1)};
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return make_error(Errc::invalid_path, "malformed percent-escape");
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return make_error(Errc::invalid_path, "malformed percent-escape");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return make_error(Errc::invalid_path, "a path may not contain NUL");
    out.push_back(c);
  }
  if (!is_utf8(out)) return make_error(Errc::invalid_path, "the path is not UTF-8");
  return out;
}

Result<std::optional<std::string>> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    if (eq == std::string_view::npos) return std::optional<std::string>(std::string());
    auto value = percent_decode(pair.substr(eq + 1), true);
    if (!value) {
      return make_error(Errc::bad_request,
                        fmt::format("query parameter '{}': {}", name, value.error().message));
    }
    return std::optional<std::string>(std::move(*value));
  }
  return std::optional<std::string>();
}

std::string percent_encode_rfc5987(std::string_view text) {
  return encode_except(text, "!#$&+-.^_`|~");
}

std::string percent_encode_path(std::string_view text) { return encode_except(text, kPathKeeps); }

void append_percent_encoded_path(std::string& out, std::string_view text) {
  append_encoded_except(out, text, kPathKeeps);
}

}  // namespace netdisk::server::http
