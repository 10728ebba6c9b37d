// SessionToken: the login token a Session holds, stored compactly. Every idle logged-in TCP
// connection keeps its token for logout; as the server issues them (64 lowercase hex digits of
// 32 random bytes: accounts/login_tokens.cc) it is kept as those 32 bytes, inline, instead of a
// 65-byte heap string. Anything else (an HTTP cookie not checked yet) is kept as it came. Either
// way str() gives back exactly the string stored. Used on its Session's thread only.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace netdisk::server::ops {

class SessionToken {
 public:
  SessionToken() = default;
  SessionToken(SessionToken&&) noexcept = default;
  SessionToken& operator=(SessionToken&&) noexcept = default;

  void assign(std::string_view token);
  void clear() noexcept;
  bool empty() const noexcept { return !packed_ && !other_; }
  // The token as it was assigned ("" when none).
  std::string str() const;
  // True when the token is held as 32 packed bytes (no heap block).
  bool packed() const noexcept { return packed_; }

 private:
  static constexpr std::size_t kPackedBytes = 32;
  std::array<unsigned char, kPackedBytes> bytes_{};
  bool packed_ = false;
  std::unique_ptr<std::string> other_;  // a token of another shape
};

}  // namespace netdisk::server::ops
