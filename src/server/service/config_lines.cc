#include "server/service/config_lines.h"

#include <algorithm>
#include <cctype>
#include <functional>

namespace netdisk::server {
namespace {

std::string_view trimmed(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

// Calls `visit(line_number, key, value)` for each `key = value` line, the key prefixed with
// the current `[section]` ("section.key"). Returns false from `visit` to stop.
// Calls `visit(line_number, line)` for each line that is neither blank nor a # comment,
// trimmed. Returns false from `visit` to stop.
void for_each_line(std::string_view text,
                   const std::function<bool(std::size_t, std::string_view)>& visit) {
  std::size_t number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = trimmed(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    if (!visit(number, line)) return;
  }
}

void for_each_setting(
    std::string_view text,
    const std::function<bool(std::size_t, std::string, std::string_view)>& visit) {
  std::string section;
  for_each_line(text, [&](std::size_t number, std::string_view line) {
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(trimmed(line.substr(1, line.size() - 2)));
      return true;
    }
    auto equals = line.find('=');
    if (equals == std::string_view::npos) return true;
    std::string key(trimmed(line.substr(0, equals)));
    if (!section.empty()) key = section + "." + key;
    return visit(number, std::move(key), trimmed(line.substr(equals + 1)));
  });
}

std::string normalized(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

}  // namespace

std::optional<ConfigLineError> check_config_syntax(std::string_view text) {
  std::optional<ConfigLineError> error;
  for_each_line(text, [&](std::size_t number, std::string_view line) {
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() <= 2) {
        error = ConfigLineError{number, "a section header must be [name]"};
      }
      return !error;
    }
    auto equals = line.find('=');
    auto key = trimmed(line.substr(0, std::min(equals, line.size())));
    if (equals == std::string_view::npos || key.empty() ||
        !std::all_of(key.begin(), key.end(), is_key_char)) {
      error = ConfigLineError{number, "expected `key = value`, a # comment or a [section]"};
    } else if (trimmed(line.substr(equals + 1)).empty()) {
      error = ConfigLineError{number, "the value after '=' is missing"};
    }
    return !error;
  });
  return error;
}

std::size_t find_config_key(std::string_view text, std::string_view key) {
  auto wanted = normalized(key);
  std::size_t found = 0;
  for_each_setting(text, [&](std::size_t number, std::string name, std::string_view) {
    if (normalized(name) != wanted) return true;
    found = number;
    return false;
  });
  return found;
}

std::size_t find_config_value(std::string_view text, std::string_view value) {
  std::size_t found = 0;
  for_each_setting(text, [&](std::size_t number, std::string, std::string_view raw) {
    if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') &&
        raw.back() == raw.front()) {
      raw = raw.substr(1, raw.size() - 2);
    }
    if (raw != value) return true;
    found = number;
    return false;
  });
  return found;
}

}  // namespace netdisk::server
