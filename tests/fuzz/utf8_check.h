// An independent UTF-8 validator for the harnesses: decodes each code point and checks its
// value (not a table of lead/continuation ranges like src/storage/safe_path.cc does), so a
// mistake in one is unlikely to be repeated in the other.
#pragma once

#include <cstdint>
#include <string_view>

namespace netdisk::fuzz {

inline bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    int extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) { ++i; continue; }
    if ((lead & 0xE0) == 0xC0) { extra = 1; code = lead & 0x1Fu; }
    else if ((lead & 0xF0) == 0xE0) { extra = 2; code = lead & 0x0Fu; }
    else if ((lead & 0xF8) == 0xF0) { extra = 3; code = lead & 0x07u; }
    else return false;
    if (text.size() - i <= static_cast<std::size_t>(extra)) return false;  // cut short
    for (int k = 1; k <= extra; ++k) {
      auto c = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      code = (code << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[extra]) return false;          // overlong
    if (code >= 0xD800 && code <= 0xDFFF) return false;     // surrogate
    if (code > 0x10FFFF) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

}  // namespace netdisk::fuzz
