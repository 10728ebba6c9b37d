// Small text helpers for HTTP field values (RFC 9110, section 5.6): optional whitespace is
// spaces and tabs, and tokens such as range units and media types compare without case. Pure
// functions; any thread.
#pragma once

#include <string_view>

namespace netdisk::server::http {

// `text` without leading and trailing optional whitespace (spaces and tabs).
inline std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality, for tokens (never for user data such as file names).
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace netdisk::server::http
