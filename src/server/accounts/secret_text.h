// Secrets as text, for the accounts' tokens and invitation codes (libsodium): fresh random
// bytes, and the BLAKE2b-256 digest a secret is stored under instead of itself, both as
// lowercase hex. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace netdisk::server {

// `bytes` random bytes from the system's generator, as 2 * `bytes` hex digits.
std::string random_hex(std::size_t bytes);

// BLAKE2b-256 of `secret`: 64 hex digits.
std::string digest_hex(std::string_view secret);

}  // namespace netdisk::server
