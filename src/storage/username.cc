#include "storage/username.h"

#include <optional>
#include <string>

#include <fmt/format.h>

namespace netdisk::storage {
namespace {

bool is_ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Error bad_name(std::string message) {
  return make_error(Errc::invalid_username, std::move(message));
}

// Explains why one character is not allowed anywhere in a name; nullopt when it is allowed.
std::optional<std::string> why_not_allowed(unsigned char c) {
  if (is_ascii_alnum(c) || c == '_' || c == '-' || c == '.') return std::nullopt;
  if (c == '/' || c == '\\') {
    return fmt::format("username may not contain '{}' (a path separator)", static_cast<char>(c));
  }
  if (c == ' ') return std::string("username may not contain spaces");
  if (c < 0x20 || c == 0x7f) return std::string("username may not contain control characters");
  if (c >= 0x80) {
    return std::string("username must be ASCII (letters, digits, '_', '-' and '.' only)");
  }
  return fmt::format("username may not contain '{}' (use letters, digits, '_', '-' and '.')",
                     static_cast<char>(c));
}

}  // namespace

Status validate_username(std::string_view name) {
  if (name.empty()) return bad_name("username is empty");
  switch (name.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
      // A spreadsheet runs a cell starting with these as a formula ("formula injection").
      return bad_name(
          fmt::format("username may not start with '{}' (a spreadsheet would run it as a formula)",
                      name.front()));
    case '.':
      return bad_name("username may not start with '.' (hidden and relative names)");
    default:
      break;
  }
  for (char c : name) {
    if (auto why = why_not_allowed(static_cast<unsigned char>(c))) return bad_name(*why);
  }
  if (name.size() > kMaxUsernameChars) {
    return bad_name(fmt::format("username is longer than {} characters", kMaxUsernameChars));
  }
  return {};
}

std::string username_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

Status validate_password(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return make_error(Errc::invalid_password,
                      fmt::format("password is longer than {} bytes", kMaxPasswordBytes));
  }
  std::size_t chars = 0;
  for (char c : password) {
    // Count UTF-8 code points: every byte except continuation bytes (10xxxxxx) starts one.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  }
  if (chars < kMinPasswordChars) {
    return make_error(Errc::invalid_password,
                      fmt::format("password must have at least {} characters", kMinPasswordChars));
  }
  return {};
}

}  // namespace netdisk::storage
