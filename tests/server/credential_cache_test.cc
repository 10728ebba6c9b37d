// The verified-credential cache on a clock the test moves by hand: a hit only for the same
// user, password and stored hash within the TTL, a bound with the oldest entry dropped first,
// invalidation by a changed stored hash or forget_user, and TSan-clean use from many threads.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server/accounts/credential_cache.h"

namespace netdisk::server {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kHash = "$argon2id$v=19$m=65536,t=2,p=1$salt$hash-one";
constexpr std::string_view kOtherHash = "$argon2id$v=19$m=65536,t=2,p=1$salt$hash-two";

struct ManualClock {
  CredentialCache::Clock::time_point now = CredentialCache::Clock::time_point(1000h);
  CredentialCache::Now reader() {
    return [this] { return now; };
  }
};

TEST(CredentialCache, AVerifiedPasswordIsAHitAndAnythingElseIsAMiss) {
  ManualClock clock;
  CredentialCache cache({300s, 16}, clock.reader());
  EXPECT_FALSE(cache.verified("alice", "password1", kHash));  // nothing remembered yet
  cache.remember("alice", "password1", kHash);
  EXPECT_TRUE(cache.verified("alice", "password1", kHash));
  EXPECT_TRUE(cache.verified("alice", "password1", kHash));  // a hit keeps the entry
  EXPECT_FALSE(cache.verified("alice", "password2", kHash));
  EXPECT_FALSE(cache.verified("alice", "password1x", kHash));
  EXPECT_FALSE(cache.verified("alice", "", kHash));
  EXPECT_FALSE(cache.verified("bob", "password1", kHash));
  // The name and the password are kept apart: moving a byte from one to the other misses.
  EXPECT_FALSE(cache.verified("alic", "epassword1", kHash));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCache, AnEntryExpiresAtItsTtlCountedFromTheVerificationNotFromHits) {
  ManualClock clock;
  CredentialCache cache({300s, 16}, clock.reader());
  cache.remember("alice", "password1", kHash);
  clock.now += 299s;
  EXPECT_TRUE(cache.verified("alice", "password1", kHash));
  clock.now += 1s;  // the hit a second ago did not extend it
  EXPECT_FALSE(cache.verified("alice", "password1", kHash));
  EXPECT_EQ(cache.size(), 0u);                  // dropped, not just refused
  cache.remember("alice", "password1", kHash);  // a new verification starts a new TTL
  clock.now += 299s;
  EXPECT_TRUE(cache.verified("alice", "password1", kHash));
}

TEST(CredentialCache, AChangedStoredHashInvalidatesTheEntry) {
  ManualClock clock;
  CredentialCache cache({300s, 16}, clock.reader());
  cache.remember("alice", "password1", kHash);
  // The registry now holds another hash (the password was changed, or the account removed and
  // made again): the old password must go through Argon2id again.
  EXPECT_FALSE(cache.verified("alice", "password1", kOtherHash));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.verified("alice", "password1", kHash));  // gone for good
}

TEST(CredentialCache, ItHoldsAtMostItsBoundAndDropsTheOldestFirst) {
  ManualClock clock;
  CredentialCache cache({300s, 4}, clock.reader());
  for (int i = 0; i < 10; ++i) {
    cache.remember("user" + std::to_string(i), "password1", kHash);
    clock.now += 1s;
    EXPECT_LE(cache.size(), 4u);
  }
  for (int i = 0; i < 6; ++i) {
    EXPECT_FALSE(cache.verified("user" + std::to_string(i), "password1", kHash)) << i;
  }
  for (int i = 6; i < 10; ++i) {
    EXPECT_TRUE(cache.verified("user" + std::to_string(i), "password1", kHash)) << i;
  }
}

TEST(CredentialCache, ExpiredEntriesAreFreedByTheNextInsert) {
  ManualClock clock;
  CredentialCache cache({60s, 100}, clock.reader());
  for (int i = 0; i < 50; ++i) cache.remember("user" + std::to_string(i), "pw-long-1", kHash);
  clock.now += 61s;
  cache.remember("late", "pw-long-1", kHash);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCache, ForgetUserDropsEveryEntryOfThatUserOnly) {
  ManualClock clock;
  CredentialCache cache({300s, 16}, clock.reader());
  cache.remember("alice", "password1", kHash);
  cache.remember("alice", "password2", kOtherHash);
  cache.remember("bob", "password1", kHash);
  cache.forget_user("alice");
  EXPECT_FALSE(cache.verified("alice", "password1", kHash));
  EXPECT_FALSE(cache.verified("alice", "password2", kOtherHash));
  EXPECT_TRUE(cache.verified("bob", "password1", kHash));
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCache, ATtlOfZeroTurnsItOff) {
  ManualClock clock;
  CredentialCache cache({0s, 16}, clock.reader());
  EXPECT_FALSE(cache.enabled());
  cache.remember("alice", "password1", kHash);
  EXPECT_FALSE(cache.verified("alice", "password1", kHash));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCache, TwoCachesNeverShareKeys) {
  // The key is random per cache (per process): an entry's digest means nothing elsewhere.
  ManualClock clock;
  CredentialCache first({300s, 16}, clock.reader());
  CredentialCache second({300s, 16}, clock.reader());
  first.remember("alice", "password1", kHash);
  EXPECT_FALSE(second.verified("alice", "password1", kHash));
}

TEST(CredentialCache, ManyThreadsRememberCheckAndForgetAtOnce) {
  CredentialCache cache({300s, 64});
  std::atomic<int> wrong_hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string user = "user" + std::to_string((t * 7 + i) % 100);
        cache.remember(user, "right-password", kHash);
        (void)cache.verified(user, "right-password", kHash);
        if (cache.verified(user, "wrong-password", kHash)) ++wrong_hits;
        if (i % 97 == 0) cache.forget_user(user);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong_hits.load(), 0);
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace netdisk::server
