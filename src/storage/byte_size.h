// Sizes as an administrator types them into users.xlsx ("10 GiB", "500 MB", "1073741824").
// Parsed strictly: a decimal number, optional spaces, an optional unit; anything else is
// refused rather than guessed at. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace netdisk::storage {

// The bytes `text` names: digits with at most one '.' and up to 9 decimals, then optionally
// one of B, kB/KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), in any
// case. A fraction of a byte is dropped. nullopt for anything else, or past 2^63 bytes.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace netdisk::storage
