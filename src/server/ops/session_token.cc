#include "server/ops/session_token.h"

namespace netdisk::server::ops {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

// The value of a lowercase hex digit, or -1: only the exact form the server issues is packed,
// so that str() always gives back the same string.
int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void SessionToken::assign(std::string_view token) {
  clear();
  if (token.empty()) return;
  if (token.size() == 2 * kPackedBytes) {
    bool hex = true;
    for (std::size_t i = 0; i < kPackedBytes && hex; ++i) {
      int high = digit_value(token[2 * i]);
      int low = digit_value(token[2 * i + 1]);
      hex = high >= 0 && low >= 0;
      bytes_[i] = static_cast<unsigned char>(hex ? high * 16 + low : 0);
    }
    packed_ = hex;
    if (packed_) return;
  }
  other_ = std::make_unique<std::string>(token);
}

void SessionToken::clear() noexcept {
  packed_ = false;
  other_.reset();
}

std::string SessionToken::str() const {
  if (other_) return *other_;
  if (!packed_) return {};
  std::string out(2 * kPackedBytes, '\0');
  for (std::size_t i = 0; i < kPackedBytes; ++i) {
    out[2 * i] = kDigits[bytes_[i] >> 4];
    out[2 * i + 1] = kDigits[bytes_[i] & 0x0f];
  }
  return out;
}

}  // namespace netdisk::server::ops
