#include "storage/password_hasher.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "storage/username.h"

namespace netdisk::storage {
namespace {

static_assert(HashCost{}.ops == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(HashCost{}.memory_bytes == crypto_pwhash_MEMLIMIT_INTERACTIVE);

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

bool sodium_ready() {
  // A function-local static is initialised exactly once even with racing callers.
  static const bool ready = ::sodium_init() >= 0;
  return ready;
}

HashCost clamp(HashCost cost) {
  cost.ops = std::clamp<unsigned long long>(cost.ops, crypto_pwhash_OPSLIMIT_MIN,
                                            crypto_pwhash_OPSLIMIT_MAX);
  cost.memory_bytes = std::clamp<std::size_t>(cost.memory_bytes, crypto_pwhash_MEMLIMIT_MIN,
                                              crypto_pwhash_MEMLIMIT_MAX);
  return cost;
}

// Reads the number after `key` (for example "m=") in an encoded hash.
std::optional<unsigned long long> parameter(std::string_view encoded, std::string_view key) {
  auto at = encoded.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = encoded.data() + at + key.size();
  unsigned long long value = 0;
  auto [end, ec] = std::from_chars(first, encoded.data() + encoded.size(), value);
  if (ec != std::errc{} || end == first) return std::nullopt;
  return value;
}

// A stored hash is only checked when its cost is within reach of ours: the workbook is editable
// by hand, and "m=4194304,t=4294967295" would otherwise pin a pool thread for hours.
bool cost_is_sane(std::string_view encoded, const HashCost& ours) {
  auto memory_kib = parameter(encoded, "$m=");
  auto ops = parameter(encoded, ",t=");
  if (!memory_kib || !ops) return false;
  unsigned long long max_memory =
      std::max<unsigned long long>(4ULL * ours.memory_bytes, 256ULL << 20);
  unsigned long long max_ops = std::max<unsigned long long>(4ULL * ours.ops, 16);
  return *memory_kib <= max_memory / 1024 && *ops <= max_ops;
}

}  // namespace

HashCost HashCost::cheapest() noexcept {
  return HashCost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Result<PasswordHasher> PasswordHasher::create(HashCost cost) {
  if (!sodium_ready()) return make_error(Errc::internal_error, "libsodium failed to initialise");
  cost = clamp(cost);
  // The dummy password is random so that no real password can match the dummy hash.
  unsigned char dummy_password[32];
  ::randombytes_buf(dummy_password, sizeof dummy_password);
  char encoded[crypto_pwhash_STRBYTES];
  int rc = ::crypto_pwhash_str(encoded, reinterpret_cast<const char*>(dummy_password),
                               sizeof dummy_password, cost.ops, cost.memory_bytes);
  ::sodium_memzero(dummy_password, sizeof dummy_password);
  if (rc != 0) return make_error(Errc::internal_error, "password hashing failed (out of memory?)");
  return PasswordHasher(cost, std::string(encoded));
}

Result<std::string> PasswordHasher::hash(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) {
    return make_error(Errc::invalid_password, "password is too long");
  }
  char encoded[crypto_pwhash_STRBYTES];
  if (::crypto_pwhash_str(encoded, password.data(), password.size(), cost_.ops,
                          cost_.memory_bytes) != 0) {
    return make_error(Errc::internal_error, "password hashing failed (out of memory?)");
  }
  return std::string(encoded);
}

bool PasswordHasher::verify(std::string_view stored_hash, std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) return false;
  if (stored_hash.size() >= crypto_pwhash_STRBYTES || !stored_hash.starts_with(kArgon2idPrefix) ||
      stored_hash.find('\0') != std::string_view::npos || !cost_is_sane(stored_hash, cost_)) {
    verify_dummy(password);  // a refused hash takes as long as a wrong password
    return false;
  }
  // libsodium wants a NUL-terminated hash; the hash is not secret, so a plain copy is fine.
  // The password is passed by pointer and length and never copied.
  std::string terminated(stored_hash);
  return ::crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) return;  // verify() refuses these without work too
  // The result is irrelevant (nothing matches the dummy hash); only the time spent matters.
  [[maybe_unused]] int ignored =
      ::crypto_pwhash_str_verify(dummy_hash_.c_str(), password.data(), password.size());
}

}  // namespace netdisk::storage
