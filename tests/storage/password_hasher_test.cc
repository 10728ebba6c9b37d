#include "storage/password_hasher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace netdisk::storage {
namespace {

PasswordHasher cheap_hasher() {
  auto hasher = PasswordHasher::create(HashCost::cheapest());
  EXPECT_TRUE(hasher.ok());
  return std::move(hasher).value();
}

TEST(PasswordHasher, VerifiesTheRightPasswordAndRefusesAWrongOne) {
  auto hasher = cheap_hasher();
  auto hash = hasher.hash("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(hasher.verify(*hash, "correct horse"));
  EXPECT_FALSE(hasher.verify(*hash, "correct horsf"));
  EXPECT_FALSE(hasher.verify(*hash, ""));
}

TEST(PasswordHasher, SaltsEveryHash) {
  auto hasher = cheap_hasher();
  auto first = hasher.hash("same password");
  auto second = hasher.hash("same password");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(hasher.verify(*second, "same password"));
}

TEST(PasswordHasher, RaisesACostBelowTheMinimumToTheMinimum) {
  auto hasher = PasswordHasher::create(HashCost{0, 1});
  ASSERT_TRUE(hasher.ok());
  EXPECT_EQ(hasher->cost().ops, HashCost::cheapest().ops);
  EXPECT_EQ(hasher->cost().memory_bytes, HashCost::cheapest().memory_bytes);
  auto hash = hasher->hash("password1");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hasher->verify(*hash, "password1"));
}

TEST(PasswordHasher, DefaultsToLibsodiumInteractiveCost) {
  EXPECT_EQ(HashCost{}.ops, 2u);
  EXPECT_EQ(HashCost{}.memory_bytes, 64u << 20);
}

TEST(PasswordHasher, RefusesMalformedOrForeignHashes) {
  auto hasher = cheap_hasher();
  EXPECT_FALSE(hasher.verify("", "password1"));
  EXPECT_FALSE(hasher.verify("not a hash", "password1"));
  EXPECT_FALSE(hasher.verify("$argon2id$v=19$m=8,t=1,p=1$", "password1"));
  EXPECT_FALSE(hasher.verify(std::string(4096, '$'), "password1"));
}

TEST(PasswordHasher, RefusesAStoredHashWithAnAbsurdCostWithoutRunningIt) {
  auto hasher = cheap_hasher();
  auto hash = hasher.hash("password1");
  ASSERT_TRUE(hash.ok());
  std::string hostile = *hash;
  auto at = hostile.find("m=");
  auto comma = hostile.find(',', at);
  hostile.replace(at, comma - at, "m=4194304");  // 4 GiB
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(hasher.verify(hostile, "password1"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(PasswordHasher, RefusesPasswordsOver1024BytesWithoutHashing) {
  auto hasher = cheap_hasher();
  auto hash = hasher.hash(std::string(1 << 20, 'p'));
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code, Errc::invalid_password);
  auto good = hasher.hash("password1");
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(hasher.verify(*good, std::string(1 << 20, 'p')));
  hasher.verify_dummy(std::string(1 << 20, 'p'));  // must not crash or hash
  EXPECT_TRUE(hasher.hash(std::string(1024, 'p')).ok());
}

TEST(PasswordHasher, DummyVerifyTakesAboutAsLongAsARealOne) {
  // The real cost, so the hashing dominates the timing noise.
  auto hasher = PasswordHasher::create();
  ASSERT_TRUE(hasher.ok());
  auto hash = hasher->hash("password1");
  ASSERT_TRUE(hash.ok());
  // Interleaved runs, best of five each: other processes' load slows single runs, not the best.
  using Seconds = std::chrono::duration<double>;
  auto timed = [](auto&& work) {
    auto started = std::chrono::steady_clock::now();
    work();
    return Seconds(std::chrono::steady_clock::now() - started).count();
  };
  double real = 1e9;
  double dummy = 1e9;
  for (int i = 0; i < 5; ++i) {
    real = std::min(real, timed([&] { EXPECT_FALSE(hasher->verify(*hash, "wrong password")); }));
    dummy = std::min(dummy, timed([&] { hasher->verify_dummy("wrong password"); }));
  }
  EXPECT_GT(dummy, real * 0.5) << "real " << real << " s, dummy " << dummy << " s";
  EXPECT_LT(dummy, real * 2.0) << "real " << real << " s, dummy " << dummy << " s";
}

TEST(PasswordHasher, HashesAndVerifiesFromManyThreadsAtOnce) {
  auto hasher = cheap_hasher();
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string password = "password-" + std::to_string(t) + "-" + std::to_string(i);
        auto hash = hasher.hash(password);
        if (!hash.ok() || !hasher.verify(*hash, password) || hasher.verify(*hash, "x" + password)) {
          ++failures[static_cast<std::size_t>(t)];
        }
        hasher.verify_dummy(password);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(8, 0));
}

}  // namespace
}  // namespace netdisk::storage
