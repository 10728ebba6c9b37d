// PasswordHasher: Argon2id password hashes (libsodium crypto_pwhash_str) at a chosen cost.
// verify_dummy() spends as long as a real verify, so an unknown username costs the same time as
// a wrong password. Immutable after create(): every method is safe from many threads at once.
// Each call is slow on purpose (tens of milliseconds, tens of MiB): run it on the blocking pool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace netdisk::storage {

// Argon2id work factors. The defaults are libsodium's crypto_pwhash_OPSLIMIT_INTERACTIVE and
// MEMLIMIT_INTERACTIVE (checked in the .cc); create() raises anything below libsodium's minimums
// to those minimums. cheapest() is those minimums: for tests only.
struct HashCost {
  unsigned long long ops = 2;
  std::size_t memory_bytes = std::size_t{64} << 20;

  static HashCost cheapest() noexcept;
};

class PasswordHasher {
 public:
  // Initialises libsodium (once per process) and makes the dummy hash that verify_dummy() checks
  // against. Fails with internal_error only if libsodium cannot start or memory runs out.
  static Result<PasswordHasher> create(HashCost cost = {});

  // An encoded "$argon2id$..." string holding a random salt and the cost. Errors:
  // invalid_password for more than kMaxPasswordBytes, internal_error if hashing fails.
  Result<std::string> hash(std::string_view password) const;

  // True when `password` matches `stored_hash`. False for a wrong password; for a malformed
  // hash, one that is not Argon2id, or one whose cost is far above ours (a hostile workbook must
  // not make one login take minutes), after dummy work of the usual length; and at once for
  // passwords over kMaxPasswordBytes.
  bool verify(std::string_view stored_hash, std::string_view password) const;

  // Does the work of verify() against a hash made at construction and ignores the result.
  void verify_dummy(std::string_view password) const;

  const HashCost& cost() const noexcept { return cost_; }

 private:
  PasswordHasher(HashCost cost, std::string dummy_hash)
      : cost_(cost), dummy_hash_(std::move(dummy_hash)) {}

  HashCost cost_;
  std::string dummy_hash_;
};

}  // namespace netdisk::storage
