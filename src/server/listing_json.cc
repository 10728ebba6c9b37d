#include "server/listing_json.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace netdisk::server {
namespace {

// The length of the well-formed UTF-8 sequence at the start of `s` (2 to 4), or 0 when it is
// not one. The same rules as nlohmann's decoder (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s) {
  auto byte = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto continuation = [&](std::size_t i, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return i < s.size() && byte(i) >= low && byte(i) <= high;
  };
  unsigned char lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// Escapes a control character as nlohmann does: the short forms, else \u00xx in lower case.
void append_control(std::string& out, unsigned char c) {
  switch (c) {
    case '\b':
      out += "\\b";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(escaped, sizeof escaped);
}

void append_uint(std::string& out, std::uint64_t value) {
  char digits[20];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void append_digits(std::string& out, std::int64_t value, int width) {
  char digits[9];
  for (int i = width - 1; i >= 0; --i, value /= 10) digits[i] = static_cast<char>('0' + value % 10);
  out.append(digits, static_cast<std::size_t>(width));
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  std::size_t start = out.size();
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t length = utf8_sequence(text.substr(i));
      if (length == 0) {
        // Invalid UTF-8 is rare (names are checked on the way in) and nlohmann's replacement
        // rules are subtle: let the library write this string, so the output stays its own.
        out.resize(start);
        out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      out.append(text.data() + i, length);
      i += length;
      continue;
    }
    if (c < 0x20) {
      append_control(out, c);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  out += '"';
}

void append_utc_ns(std::string& out, std::int64_t ns_since_epoch) {
  std::int64_t seconds = ns_since_epoch / 1'000'000'000;
  std::int64_t fraction = ns_since_epoch % 1'000'000'000;
  if (fraction < 0) {
    fraction += 1'000'000'000;
    seconds -= 1;
  }
  auto civil = civil_utc(seconds);
  // int64 nanoseconds reach only the years 1677 to 2262: always four digits.
  append_digits(out, civil.year, 4);
  out += '-';
  append_digits(out, civil.month, 2);
  out += '-';
  append_digits(out, civil.day, 2);
  out += 'T';
  append_time_of_day(out, civil);
  if (fraction != 0) {
    int width = 9;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --width;
    }
    out += '.';
    append_digits(out, fraction, width);
  }
  out += 'Z';
}

void append_entry_json(std::string& out, const storage::DirEntry& entry, bool version) {
  // Keys in nlohmann's (sorted) order, so the text is the DOM's byte for byte.
  out += "{\"mtime\":\"";
  append_utc_ns(out, entry.mtime_ns);
  out += "\",\"name\":";
  append_json_string(out, entry.name);
  out += ",\"size\":";
  append_uint(out, entry.size);
  out += entry.is_directory ? ",\"type\":\"dir\"" : ",\"type\":\"file\"";
  if (version && !entry.is_directory) {
    out += ",\"version\":";
    append_json_string(out, entry.version);
  }
  out += '}';
}

void append_entries_json(std::string& out, std::span<const storage::DirEntry> entries,
                         bool versions) {
  out += '[';
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i != 0) out += ',';
    append_entry_json(out, entries[i], versions);
  }
  out += ']';
}

}  // namespace netdisk::server
