// Unit tests of the share-link book (server/shares/share_service.h) and its file
// (share_file.h): expiry and download limits at a given wall-clock time, revocation by token,
// id and path, the end of links whose target was removed or moved, throttled passwords, and a
// store that keeps digests only and refuses what it did not write. No server, no sockets.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/shares/share_service.h"

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using WallTime = ShareService::WallTime;

const WallTime kNoon = WallTime(std::chrono::seconds(1'800'000'000));

class ShareServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("netdisk-shares-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    service_ = make();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<ShareService> make() {
    ShareService::Options options;
    options.hash_cost = storage::HashCost::cheapest();
    options.max_links_per_user = 3;
    options.throttle.free_failures = 2;
    return std::make_unique<ShareService>(dir_ / "shares.txt", options, [this] { return steady_; });
  }

  ShareService::Created create(ShareService::NewShare request, WallTime now = kNoon) {
    auto created = service_->create(std::move(request), now);
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(*created) : ShareService::Created{};
  }

  fs::path dir_;
  LoginThrottle::Clock::time_point steady_{};
  std::unique_ptr<ShareService> service_;
};

TEST_F(ShareServiceTest, ATokenOpensItsLinkUntilItExpiresThenAnswersGone) {
  auto link = create({.owner = "alice", .path = "a.txt", .expires = kNoon + 1h});
  EXPECT_EQ(link.token.size(), 48u);
  ASSERT_TRUE(service_->open(link.token, kNoon + 59min));
  auto late = service_->open(link.token, kNoon + 1h);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::share_gone);
  EXPECT_EQ(ShareService::state(link.record, kNoon + 2h), "expired");
}

TEST_F(ShareServiceTest, UnknownAndMalformedTokensAnswerTheSameNotFound) {
  create({.owner = "alice", .path = "a.txt"});
  for (std::string token :
       {std::string(48, '0'), std::string("short"), std::string(48, 'Z'), std::string()}) {
    auto opened = service_->open(token, kNoon);
    ASSERT_FALSE(opened) << token;
    EXPECT_EQ(opened.error().code, Errc::not_found);
    EXPECT_EQ(opened.error().message, "no such link");
  }
}

TEST_F(ShareServiceTest, DownloadsCountUpToTheLimitThenTheLinkIsGone) {
  auto link = create({.owner = "alice", .path = "a.txt", .max_downloads = 2});
  EXPECT_TRUE(service_->count_download(link.record.digest).ok());
  EXPECT_TRUE(service_->count_download(link.record.digest).ok());
  auto third = service_->count_download(link.record.digest);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, Errc::share_gone);
  EXPECT_EQ(service_->open(link.token, kNoon).error().code, Errc::share_gone);
  EXPECT_EQ(service_->list("alice")->front().downloads, 2u);
}

TEST_F(ShareServiceTest, RevokeMatchesATokenAnIdOrAPathOfTheOwnerOnly) {
  auto by_token = create({.owner = "alice", .path = "a.txt"});
  auto by_id = create({.owner = "alice", .path = "b.txt"});
  auto by_path = create({.owner = "alice", .path = "c.txt"});
  EXPECT_EQ(service_->revoke("bob", by_token.token).error().code, Errc::not_found);
  EXPECT_EQ(service_->revoke("bob", by_id.record.id()).error().code, Errc::not_found);
  EXPECT_EQ(service_->revoke("bob", "c.txt").error().code, Errc::not_found);
  EXPECT_EQ(*service_->revoke("alice", by_token.token), 1u);
  EXPECT_EQ(*service_->revoke("alice", by_id.record.id()), 1u);
  EXPECT_EQ(*service_->revoke("alice", "c.txt"), 1u);
  for (const auto& token : {by_token.token, by_id.token, by_path.token}) {
    EXPECT_EQ(service_->open(token, kNoon).error().code, Errc::not_found);
  }
}

TEST_F(ShareServiceTest, ForgetPathEndsLinksOnThePathAndUnderItButNotOnSiblingNames) {
  auto folder = create({.owner = "alice", .path = "docs", .folder = true});
  auto inner = create({.owner = "alice", .path = "docs/a.txt"});
  auto sibling = create({.owner = "alice", .path = "docs2"});
  auto bobs = create({.owner = "bob", .path = "docs"});
  service_->forget_path("alice", "docs");
  EXPECT_FALSE(service_->open(folder.token, kNoon));
  EXPECT_FALSE(service_->open(inner.token, kNoon));
  EXPECT_TRUE(service_->open(sibling.token, kNoon));
  EXPECT_TRUE(service_->open(bobs.token, kNoon));
}

TEST_F(ShareServiceTest, ForgettingTheWholeSpaceEndsEveryLinkOfThatOwnerOnly) {
  auto file = create({.owner = "alice", .path = "a.txt"});
  auto root = create({.owner = "alice", .path = "", .folder = true});
  auto bobs = create({.owner = "bob", .path = "a.txt"});
  service_->forget_path("alice", "");  // what deleting the account does
  EXPECT_FALSE(service_->open(file.token, kNoon));
  EXPECT_FALSE(service_->open(root.token, kNoon));
  EXPECT_TRUE(service_->open(bobs.token, kNoon));
  EXPECT_TRUE(service_->list("alice")->empty());
}

TEST_F(ShareServiceTest, EachUserHoldsABoundedNumberOfLinks) {
  for (int i = 0; i < 3; ++i) create({.owner = "alice", .path = "a" + std::to_string(i)});
  auto fourth = service_->create({.owner = "alice", .path = "more"}, kNoon);
  ASSERT_FALSE(fourth);
  EXPECT_EQ(fourth.error().code, Errc::rate_limited);
  EXPECT_TRUE(service_->create({.owner = "bob", .path = "mine"}, kNoon));
}

TEST_F(ShareServiceTest, AnUploadOnlyLinkMustNameAFolder) {
  auto refused = service_->create({.owner = "alice", .path = "a.txt", .upload_only = true}, kNoon);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::bad_request);
}

TEST_F(ShareServiceTest, WrongPasswordsAreThrottledAndTheRightOneWaitsToo) {
  auto link = create({.owner = "alice", .path = "a.txt", .password = "right"});
  EXPECT_EQ(link.record.password_hash.find("right"), std::string::npos);
  EXPECT_TRUE(service_->check_password(link.record, "right", "10.0.0.1").ok());
  // A few free failures, then each guess must wait.
  int failures = 0;
  Status guess;
  do {
    guess = service_->check_password(link.record, "wrong", "10.0.0.1");
  } while (!guess.ok() && guess.error().code == Errc::auth_failed && ++failures < 10);
  ASSERT_FALSE(guess.ok());
  EXPECT_EQ(guess.error().code, Errc::rate_limited);
  EXPECT_GE(failures, 2);
  // While the wait lasts, even the right password gets no answer.
  auto right = service_->check_password(link.record, "right", "10.0.0.1");
  ASSERT_FALSE(right.ok());
  EXPECT_EQ(right.error().code, Errc::rate_limited);
  steady_ += 10min;
  EXPECT_TRUE(service_->check_password(link.record, "right", "10.0.0.1").ok());
}

TEST_F(ShareServiceTest, TheStoreKeepsDigestsOnlyAndSurvivesARestart) {
  auto link = create(
      {.owner = "alice", .path = "line\nbreak.txt", .expires = kNoon + 24h, .max_downloads = 5});
  ASSERT_TRUE(service_->count_download(link.record.digest).ok());
  std::ifstream in(dir_ / "shares.txt");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().find(link.token), std::string::npos);
  service_ = make();
  auto reopened = service_->open(link.token, kNoon);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->path, "line\nbreak.txt");
  EXPECT_EQ(reopened->downloads, 1u);
  EXPECT_EQ(reopened->max_downloads, 5u);
  EXPECT_EQ(reopened->expires, kNoon + 24h);
}

TEST_F(ShareServiceTest, ADamagedStoreIsRefusedNotGuessedAt) {
  EXPECT_FALSE(parse_shares("netdisk-shares 1\n{\"digest\":\"00\"}\n"));
  EXPECT_FALSE(parse_shares("something else\n"));
  auto good = format_shares({ShareRecord{std::string(64, 'a'), "alice", "x", false}});
  ASSERT_TRUE(parse_shares(good));
  EXPECT_FALSE(parse_shares(good.substr(0, good.size() - 1)));  // cut short
  std::ofstream(dir_ / "shares.txt") << "garbage\n";
  EXPECT_THROW(make(), std::runtime_error);
}

TEST(ShareOrigin, AWildcardAddressBecomesTheHostNameAndIPv6IsBracketed) {
  EXPECT_EQ(ShareService::origin_for("http", "127.0.0.1", 7080), "http://127.0.0.1:7080");
  EXPECT_EQ(ShareService::origin_for("https", "::1", 443), "https://[::1]:443");
  auto wildcard = ShareService::origin_for("http", "0.0.0.0", 7080);
  EXPECT_EQ(wildcard.find("0.0.0.0"), std::string::npos);
  EXPECT_TRUE(wildcard.ends_with(":7080"));
}

}  // namespace
}  // namespace netdisk::server
