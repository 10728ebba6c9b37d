// LockTable: RFC 4918's lock semantics on names of one user's space, at a hand-moved clock.
#include "server/dav/lock_table.h"

#include <gtest/gtest.h>

#include <set>

#include "manual_clock.h"

namespace netdisk::server::dav {
namespace {

using std::chrono::seconds;

LockRequest exclusive(LockDepth depth = LockDepth::infinity, seconds timeout = seconds(0)) {
  return LockRequest{LockScope::exclusive, depth, "<D:owner>me</D:owner>", timeout};
}
LockRequest shared(LockDepth depth = LockDepth::infinity) {
  return LockRequest{LockScope::shared, depth, "", seconds(0)};
}

class LockTableTest : public ::testing::Test {
 protected:
  test::ManualClock clock_;
  LockTable table_{clock_.now_function()};
};

TEST_F(LockTableTest, ALockGetsAFreshUrnUuidTokenAndTheDefaultTimeout) {
  auto a = table_.lock("ann", "a.txt", exclusive());
  auto b = table_.lock("ann", "b.txt", exclusive());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->token.starts_with("urn:uuid:"));
  EXPECT_EQ(a->token.size(), 9u + 36u);
  EXPECT_NE(a->token, b->token);
  EXPECT_EQ(a->timeout, table_.limits().default_timeout);
  EXPECT_EQ(a->remaining(clock_.now()), table_.limits().default_timeout);
  EXPECT_EQ(a->owner, "<D:owner>me</D:owner>");
}

TEST_F(LockTableTest, AnExclusiveLockConflictsWithAnyOtherLockOnTheSameName) {
  ASSERT_TRUE(table_.lock("ann", "a.txt", exclusive()).ok());
  auto again = table_.lock("ann", "a.txt", exclusive());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), LockFailure::conflict);
  EXPECT_EQ(table_.lock("ann", "a.txt", shared()).error(), LockFailure::conflict);
}

TEST_F(LockTableTest, SharedLocksCoexistButNotWithAnExclusiveOne) {
  ASSERT_TRUE(table_.lock("ann", "a.txt", shared()).ok());
  ASSERT_TRUE(table_.lock("ann", "a.txt", shared()).ok());
  EXPECT_EQ(table_.lock("ann", "a.txt", exclusive()).error(), LockFailure::conflict);
  EXPECT_EQ(table_.covering("ann", "a.txt").size(), 2u);
}

TEST_F(LockTableTest, ADepthInfinityLockOnAFolderCoversEverythingBelowIt) {
  auto folder = table_.lock("ann", "docs", exclusive(LockDepth::infinity));
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ(table_.lock("ann", "docs/deep/x.txt", exclusive()).error(), LockFailure::conflict);
  EXPECT_TRUE(table_.matches("ann", "docs/deep/x.txt", folder->token));
  EXPECT_FALSE(table_.matches("ann", "docs2/x.txt", folder->token));  // a sibling, not a child
  EXPECT_TRUE(table_.lock("ann", "docs2/x.txt", exclusive()).ok());
}

TEST_F(LockTableTest, ADepthZeroLockOnAFolderLeavesItsMembersFree) {
  ASSERT_TRUE(table_.lock("ann", "docs", exclusive(LockDepth::zero)).ok());
  EXPECT_TRUE(table_.lock("ann", "docs/x.txt", exclusive()).ok());
}

TEST_F(LockTableTest, AFolderCannotBeLockedDeepWhileAMemberHoldsAnExclusiveLock) {
  ASSERT_TRUE(table_.lock("ann", "docs/x.txt", exclusive()).ok());
  EXPECT_EQ(table_.lock("ann", "docs", exclusive()).error(), LockFailure::conflict);
  EXPECT_EQ(table_.lock("ann", "", shared()).error(), LockFailure::conflict);
  EXPECT_TRUE(table_.lock("ann", "docs", exclusive(LockDepth::zero)).ok());
}

TEST_F(LockTableTest, OneUsersLocksNeverTouchAnothersNames) {
  auto ann = table_.lock("ann", "a.txt", exclusive());
  ASSERT_TRUE(ann.ok());
  EXPECT_TRUE(table_.lock("bob", "a.txt", exclusive()).ok());
  EXPECT_FALSE(table_.matches("bob", "a.txt", ann->token));
  EXPECT_FALSE(table_.unlock("bob", "a.txt", ann->token).ok());
  EXPECT_FALSE(table_.refresh("bob", "a.txt", ann->token, seconds(60)).ok());
  EXPECT_EQ(table_.blocker("bob", "a.txt", std::vector<std::string>{ann->token}, false),
            std::optional<std::string>("a.txt"));
}

TEST_F(LockTableTest, ALockExpiresAtItsTimeoutUnlessRefreshed) {
  auto lock = table_.lock("ann", "a.txt", exclusive(LockDepth::zero, seconds(100)));
  ASSERT_TRUE(lock.ok());
  clock_.advance(seconds(99));
  EXPECT_EQ(table_.covering("ann", "a.txt").front().remaining(clock_.now()), seconds(1));
  auto refreshed = table_.refresh("ann", "a.txt", lock->token, seconds(100));
  ASSERT_TRUE(refreshed.ok());
  clock_.advance(seconds(99));
  EXPECT_TRUE(table_.matches("ann", "a.txt", lock->token));
  clock_.advance(seconds(1));
  EXPECT_FALSE(table_.matches("ann", "a.txt", lock->token));
  EXPECT_TRUE(table_.lock("ann", "a.txt", exclusive()).ok());
}

TEST_F(LockTableTest, ARefreshMayNameAnyUrlInTheLocksScope) {
  auto folder = table_.lock("ann", "coll", exclusive(LockDepth::infinity, seconds(10)));
  ASSERT_TRUE(folder.ok());
  clock_.advance(seconds(9));
  auto refreshed = table_.refresh("ann", "coll/lockme.txt", folder->token, seconds(10));
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(refreshed->root, "coll");
  EXPECT_EQ(refreshed->remaining(clock_.now()), seconds(10));
  EXPECT_EQ(table_.refresh("ann", "other", folder->token, seconds(10)).error(),
            LockFailure::no_such_lock);
}

TEST_F(LockTableTest, TimeoutsAreCappedAndInfiniteGetsTheCap) {
  auto lock = table_.lock("ann", "a", exclusive(LockDepth::zero, seconds::max()));
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(lock->timeout, table_.limits().max_timeout);
}

TEST_F(LockTableTest, UnlockNeedsTheTokenAndANameInItsScope) {
  auto lock = table_.lock("ann", "coll", exclusive());
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(table_.unlock("ann", "coll", "opaquelocktoken:foobar").error(),
            LockFailure::no_such_lock);
  EXPECT_EQ(table_.unlock("ann", "elsewhere", lock->token).error(), LockFailure::no_such_lock);
  EXPECT_TRUE(table_.unlock("ann", "coll/member", lock->token).ok());
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.unlock("ann", "coll", lock->token).error(), LockFailure::no_such_lock);
}

TEST_F(LockTableTest, AWriteIsBlockedUntilEveryCoveringLocksTokenIsSubmitted) {
  auto one = table_.lock("ann", "a.txt", shared());
  auto two = table_.lock("ann", "a.txt", shared());
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(table_.blocker("ann", "a.txt", {}, false), std::optional<std::string>("a.txt"));
  std::vector<std::string> only_one{one->token};
  EXPECT_TRUE(table_.blocker("ann", "a.txt", only_one, false).has_value());
  std::vector<std::string> both{one->token, two->token};
  EXPECT_FALSE(table_.blocker("ann", "a.txt", both, false).has_value());
  EXPECT_FALSE(table_.blocker("ann", "b.txt", {}, false).has_value());
}

TEST_F(LockTableTest, DeletingAFolderIsBlockedByALockOnAnyMember) {
  auto member = table_.lock("ann", "docs/sub/x.txt", exclusive());
  ASSERT_TRUE(member.ok());
  EXPECT_FALSE(table_.blocker("ann", "docs", {}, false).has_value());
  EXPECT_EQ(table_.blocker("ann", "docs", {}, true), std::optional<std::string>("docs/sub/x.txt"));
  EXPECT_FALSE(table_.blocker("ann", "doc", {}, true).has_value());  // a prefix, not a parent
  std::vector<std::string> token{member->token};
  EXPECT_FALSE(table_.blocker("ann", "docs", token, true).has_value());
}

TEST_F(LockTableTest, ForgettingATreeDropsTheLocksRootedInIt) {
  ASSERT_TRUE(table_.lock("ann", "docs/a", exclusive()).ok());
  ASSERT_TRUE(table_.lock("ann", "docs", exclusive(LockDepth::zero)).ok());
  ASSERT_TRUE(table_.lock("ann", "docsx", exclusive()).ok());
  table_.forget_tree("ann", "docs");
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_EQ(table_.covering("ann", "docsx").size(), 1u);
}

TEST_F(LockTableTest, SweepDropsExpiredLocksOfEveryUser) {
  ASSERT_TRUE(table_.lock("ann", "a", exclusive(LockDepth::zero, seconds(5))).ok());
  ASSERT_TRUE(table_.lock("bob", "b", exclusive(LockDepth::zero, seconds(50))).ok());
  clock_.advance(seconds(6));
  EXPECT_EQ(table_.sweep(), 1u);
  EXPECT_EQ(table_.size(), 1u);
}

TEST(LockTableLimits, ManyLocksAndLargeOwnersAreRefused) {
  test::ManualClock clock;
  LockTable::Limits limits;
  limits.per_user = 2;
  limits.total = 3;
  limits.owner_bytes = 8;
  LockTable table(clock.now_function(), limits);
  // "<D:owner>me</D:owner>" is over 8 bytes.
  EXPECT_EQ(table.lock("ann", "a", exclusive(LockDepth::zero)).error(),
            LockFailure::owner_too_large);
  LockRequest small{LockScope::exclusive, LockDepth::zero, "", seconds(0)};
  ASSERT_TRUE(table.lock("ann", "a", small).ok());
  ASSERT_TRUE(table.lock("ann", "b", small).ok());
  EXPECT_EQ(table.lock("ann", "c", small).error(), LockFailure::too_many);
  ASSERT_TRUE(table.lock("bob", "a", small).ok());
  EXPECT_EQ(table.lock("cat", "a", small).error(), LockFailure::too_many);
}

TEST(PathWithin, NamesBelowARootButNotSiblingsWithTheSamePrefix) {
  EXPECT_TRUE(path_within("a/b", "a"));
  EXPECT_TRUE(path_within("a", "a"));
  EXPECT_TRUE(path_within("a", ""));
  EXPECT_FALSE(path_within("ab", "a"));
  EXPECT_FALSE(path_within("a", "a/b"));
}

}  // namespace
}  // namespace netdisk::server::dav
