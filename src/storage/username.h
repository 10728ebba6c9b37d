// Account name and password rules, checked at the edge before anything touches the registry.
// A username is 1-32 ASCII letters, digits, '_', '-' or '.', not starting with '.' or '-', so it
// is safe as a folder name and inert in a spreadsheet cell. Names are unique without regard to
// case (username_key). Pure functions, no state: safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

inline constexpr std::size_t kMaxUsernameChars = 32;
inline constexpr std::size_t kMinPasswordChars = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// OK when `name` follows the rules above; otherwise Errc::invalid_username with a message that
// says what is wrong (empty, too long, a path separator, a space, a control character, ...).
Status validate_username(std::string_view name);

// The case-insensitive identity of a username: its ASCII lowercase form.
std::string username_key(std::string_view name);

// OK for passwords of at least 8 characters (UTF-8 code points) and at most 1,024 bytes;
// otherwise Errc::invalid_password. The byte limit is checked first, so a huge password costs
// nothing.
Status validate_password(std::string_view password);

}  // namespace netdisk::storage
