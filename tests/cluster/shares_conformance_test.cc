// The share-link book and the registration policy, one set of cases run on both of each
// interface's implementations: the single server's files (FileShareBook, shares.txt;
// FileRegistrationPolicy, registration.json) and the cluster's PostgreSQL (PgShareBook,
// PgRegistrationPolicy) on a scratch PostgreSQL. "Two nodes" are two instances on two pools for
// PostgreSQL, one instance for the files (a single server has one). Includes the races the
// cluster must win: two nodes counting a limited link's downloads at once, and two nodes
// spending an invitation's last use at once.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <thread>

#include "cluster/shares/pg_registration_policy.h"
#include "cluster/shares/pg_share_book.h"
#include "server/accounts/registration_policy.h"
#include "server/shares/share_service.h"
#include "tests/cluster/scratch_services.h"

namespace netdisk::cluster_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cluster::PgRegistrationPolicy;
using cluster::PgShareBook;
namespace pg = cluster::pg;
using server::RegistrationMode;
using server::RegistrationPolicy;
using server::ShareService;
using WallTime = ShareService::WallTime;

const WallTime kNoon = WallTime(std::chrono::seconds(1'800'000'000));

enum class Kind { file, postgres };
void PrintTo(Kind kind, std::ostream* out) { *out << (kind == Kind::file ? "file" : "postgres"); }

std::string kind_name(const ::testing::TestParamInfo<Kind>& info) {
  return info.param == Kind::file ? "File" : "Postgres";
}

// One backend's fresh state per test: an empty folder, or emptied tables.
class SharedStateTest : public WithSuitePostgres, public ::testing::WithParamInterface<Kind> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("netdisk-shares-conf-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  bool on_postgres() const { return GetParam() == Kind::postgres; }
  std::shared_ptr<pg::PgPool> pool() {
    return std::make_shared<pg::PgPool>(postgres().conninfo(), 4);
  }

  fs::path dir_;
};

// --- share links -----------------------------------------------------------------------------

class ShareBookConformance : public SharedStateTest {
 protected:
  void SetUp() override {
    SharedStateTest::SetUp();
    first_ = make_node();
    if (on_postgres()) postgres().psql("TRUNCATE netdisk.shares");
  }

  std::unique_ptr<ShareService> make_node() {
    ShareService::Options options;
    options.hash_cost = storage::HashCost::cheapest();
    options.max_links_per_user = 3;
    if (!on_postgres()) return std::make_unique<ShareService>(dir_ / "shares.txt", options);
    auto book = PgShareBook::open(pool());
    EXPECT_TRUE(book) << book.error().message;
    return std::make_unique<ShareService>(std::move(*book), options);
  }
  // Another node of the same cluster; the same server for the files.
  ShareService& second() {
    if (!on_postgres()) return *first_;
    if (!second_) second_ = make_node();
    return *second_;
  }

  ShareService::Created create(ShareService::NewShare request, WallTime now = kNoon) {
    auto created = first_->create(std::move(request), now);
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(*created) : ShareService::Created{};
  }

  std::unique_ptr<ShareService> first_;
  std::unique_ptr<ShareService> second_;
};

TEST_P(ShareBookConformance, ALinkMadeOnOneNodeOpensOnAnotherWithEveryField) {
  auto link = create({.owner = "alice",
                      .path = "line\nbreak 100%_.txt",
                      .expires = kNoon + 24h,
                      .max_downloads = 5,
                      .password = "pw"});
  auto opened = second().open(link.token, kNoon);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->digest, link.record.digest);
  EXPECT_EQ(opened->owner, "alice");
  EXPECT_EQ(opened->path, "line\nbreak 100%_.txt");
  EXPECT_FALSE(opened->folder);
  EXPECT_EQ(opened->expires, kNoon + 24h);
  EXPECT_EQ(opened->max_downloads, 5u);
  EXPECT_EQ(opened->created, kNoon);
  EXPECT_EQ(opened->password_hash, link.record.password_hash);
  EXPECT_TRUE(second().check_password(*opened, "pw", "10.0.0.1").ok());
  auto listed = second().list("alice");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id(), link.record.id());
  EXPECT_EQ(second().open(link.token, kNoon + 24h).error().code, Errc::share_gone);
}

TEST_P(ShareBookConformance, KindsSurviveTheTrip) {
  auto folder = create({.owner = "alice", .path = "docs", .folder = true});
  auto drop = create({.owner = "alice", .path = "in", .folder = true, .upload_only = true});
  auto opened_folder = second().open(folder.token, kNoon);
  auto opened_drop = second().open(drop.token, kNoon);
  ASSERT_TRUE(opened_folder && opened_drop);
  EXPECT_TRUE(opened_folder->folder);
  EXPECT_FALSE(opened_folder->upload_only);
  EXPECT_TRUE(opened_drop->folder);
  EXPECT_TRUE(opened_drop->upload_only);
  EXPECT_EQ(second().open(std::string(48, 'a'), kNoon).error().code, Errc::not_found);
}

TEST_P(ShareBookConformance, ARevocationOnOneNodeIsSeenAtOnceByTheOther) {
  auto by_token = create({.owner = "alice", .path = "a.txt"});
  auto by_id = create({.owner = "alice", .path = "b.txt"});
  auto by_path = create({.owner = "alice", .path = "c.txt"});
  EXPECT_EQ(second().revoke("bob", by_token.token).error().code, Errc::not_found);
  EXPECT_EQ(second().revoke("bob", by_id.record.id()).error().code, Errc::not_found);
  EXPECT_EQ(second().revoke("bob", "c.txt").error().code, Errc::not_found);
  EXPECT_EQ(*second().revoke("alice", by_token.token), 1u);
  EXPECT_EQ(*second().revoke("alice", by_id.record.id()), 1u);
  EXPECT_EQ(*second().revoke("alice", "c.txt"), 1u);
  for (const auto& token : {by_token.token, by_id.token, by_path.token}) {
    EXPECT_EQ(first_->open(token, kNoon).error().code, Errc::not_found);
  }
}

TEST_P(ShareBookConformance, ForgetPathEndsLinksAtAndUnderThePathOnlyEvenWithLikeWildcards) {
  auto folder = create({.owner = "alice", .path = "a_b", .folder = true});
  auto inner = create({.owner = "alice", .path = "a_b/c.txt"});
  auto lookalike = create({.owner = "alice", .path = "axb/c.txt"});  // '_' is LIKE's any char
  auto bobs = create({.owner = "bob", .path = "a_b"});
  second().forget_path("alice", "a_b");
  EXPECT_FALSE(first_->open(folder.token, kNoon));
  EXPECT_FALSE(first_->open(inner.token, kNoon));
  EXPECT_TRUE(first_->open(lookalike.token, kNoon));
  EXPECT_TRUE(first_->open(bobs.token, kNoon));
  auto sibling = create({.owner = "alice", .path = "docs2"});
  second().forget_path("alice", "docs");
  EXPECT_TRUE(first_->open(sibling.token, kNoon));
  second().forget_path("alice", "");  // the account's removal
  EXPECT_TRUE(first_->list("alice")->empty());
  EXPECT_TRUE(first_->open(bobs.token, kNoon));
}

TEST_P(ShareBookConformance, EachUserHoldsABoundedNumberOfLinksAcrossNodes) {
  for (int i = 0; i < 2; ++i) create({.owner = "alice", .path = "a" + std::to_string(i)});
  ASSERT_TRUE(second().create({.owner = "alice", .path = "third"}, kNoon));
  auto fourth = first_->create({.owner = "alice", .path = "more"}, kNoon);
  ASSERT_FALSE(fourth);
  EXPECT_EQ(fourth.error().code, Errc::rate_limited);
  EXPECT_TRUE(second().create({.owner = "bob", .path = "mine"}, kNoon));
}

TEST_P(ShareBookConformance, DownloadsCountUpToTheLimitAndSurviveARestart) {
  auto link = create({.owner = "alice", .path = "a.txt", .max_downloads = 2});
  EXPECT_TRUE(first_->count_download(link.record.digest).ok());
  EXPECT_TRUE(second().count_download(link.record.digest).ok());
  EXPECT_EQ(first_->count_download(link.record.digest).error().code, Errc::share_gone);
  EXPECT_EQ(first_->count_download(std::string(64, 'f')).error().code, Errc::not_found);
  first_ = make_node();
  EXPECT_EQ(first_->open(link.token, kNoon).error().code, Errc::share_gone);
  EXPECT_EQ(first_->list("alice")->front().downloads, 2u);
}

TEST_P(ShareBookConformance, TwoNodesCountingALimitedLinkAtOnceGiveExactlyItsDownloads) {
  constexpr std::uint64_t kLimit = 7;
  constexpr int kAttemptsEach = 25;
  auto link = create({.owner = "alice", .path = "a.txt", .max_downloads = kLimit});
  std::array<ShareService*, 2> nodes = {first_.get(), &second()};
  std::atomic<int> granted{0};
  std::atomic<int> refused{0};
  std::latch start(2);
  std::vector<std::thread> threads;
  for (auto* node : nodes) {
    threads.emplace_back([&, node] {
      start.arrive_and_wait();
      for (int i = 0; i < kAttemptsEach; ++i) {
        auto counted = node->count_download(link.record.digest);
        if (counted.ok()) {
          ++granted;
        } else if (counted.error().code == Errc::share_gone) {
          ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load(), static_cast<int>(kLimit));
  EXPECT_EQ(refused.load(), 2 * kAttemptsEach - static_cast<int>(kLimit));
  EXPECT_EQ(first_->list("alice")->front().downloads, kLimit);
}

INSTANTIATE_TEST_SUITE_P(Backends, ShareBookConformance,
                         ::testing::Values(Kind::file, Kind::postgres), kind_name);

// PostgreSQL only: the single server's file keeps expired links until revoked.
TEST_F(WithSuitePostgres, PgShareBookPrunesLinksExpiredOverAWeekAsNewOnesAreMade) {
  ShareService::Options options;
  options.hash_cost = storage::HashCost::cheapest();
  auto book = PgShareBook::open(std::make_shared<pg::PgPool>(postgres().conninfo(), 1));
  ASSERT_TRUE(book);
  ShareService service(std::move(*book), options);
  auto old = service.create({.owner = "pruned", .path = "a", .expires = kNoon + 1h}, kNoon);
  auto recent = service.create({.owner = "pruned", .path = "b", .expires = kNoon + 9 * 24h}, kNoon);
  ASSERT_TRUE(old && recent);
  ASSERT_TRUE(service.create({.owner = "pruned", .path = "c"}, kNoon + 8 * 24h));
  auto listed = service.list("pruned");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->front().path, "b");
  EXPECT_EQ(service.open(old->token, kNoon).error().code, Errc::not_found);
}

// --- registration ----------------------------------------------------------------------------

class RegistrationConformance : public SharedStateTest {
 protected:
  void SetUp() override {
    SharedStateTest::SetUp();
    first_ = make_node();
    if (on_postgres()) postgres().psql("TRUNCATE netdisk.registration, netdisk.invites");
  }

  std::unique_ptr<RegistrationPolicy> make_node() {
    auto now = [this] { return now_.load(); };
    if (!on_postgres()) {
      auto policy = RegistrationPolicy::open(dir_ / std::string(server::kRegistrationFile), now);
      EXPECT_TRUE(policy.ok()) << policy.error().message;
      return std::move(*policy);
    }
    auto policy = PgRegistrationPolicy::open(pool(), now);
    EXPECT_TRUE(policy.ok()) << policy.error().message;
    return std::move(*policy);
  }
  RegistrationPolicy& second() {
    if (!on_postgres()) return *first_;
    if (!second_) second_ = make_node();
    return *second_;
  }

  std::atomic<RegistrationPolicy::Clock::time_point> now_{
      RegistrationPolicy::Clock::time_point(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<RegistrationPolicy> first_;
  std::unique_ptr<RegistrationPolicy> second_;
};

TEST_P(RegistrationConformance, OpenUntilSetAndTheModeSetOnOneNodeHoldsOnTheOther) {
  EXPECT_EQ(first_->mode(), RegistrationMode::open);
  auto ticket = first_->admit("");
  ASSERT_TRUE(ticket.ok());
  EXPECT_TRUE(ticket->digest.empty());
  ASSERT_TRUE(first_->set_mode(RegistrationMode::closed).ok());
  EXPECT_EQ(second().mode(), RegistrationMode::closed);
  EXPECT_EQ(second().admit("anything").error().code, Errc::registration_closed);
  EXPECT_EQ(make_node()->mode(), RegistrationMode::closed);  // durable
  ASSERT_TRUE(second().set_mode(RegistrationMode::invite).ok());
  EXPECT_EQ(first_->mode(), RegistrationMode::invite);
  EXPECT_EQ(first_->admit("").error().code, Errc::invite_required);
}

TEST_P(RegistrationConformance, AnInviteMadeOnOneNodeAdmitsExactlyItsUsesAcrossNodes) {
  ASSERT_TRUE(first_->set_mode(RegistrationMode::invite).ok());
  auto invite = first_->create_invite(std::nullopt, 2);
  ASSERT_TRUE(invite.ok());
  EXPECT_EQ(second().invites().size(), 1u);
  std::string retyped;
  for (char c : invite->code) {
    if (c != '-') retyped += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_TRUE(second().admit(invite->code).ok());
  EXPECT_TRUE(first_->admit(retyped).ok());
  EXPECT_EQ(second().admit(invite->code).error().code, Errc::invalid_invite);
  EXPECT_TRUE(first_->invites().empty());
  EXPECT_EQ(first_->admit("000000-000000-000000-000000").error().code, Errc::invalid_invite);
}

TEST_P(RegistrationConformance, ARefundGivesAUseBackAndAnExpiredCodeAdmitsNobody) {
  ASSERT_TRUE(first_->set_mode(RegistrationMode::invite).ok());
  auto invite = first_->create_invite(std::chrono::seconds(3600), 1);
  ASSERT_TRUE(invite.ok());
  auto ticket = second().admit(invite->code);
  ASSERT_TRUE(ticket.ok());
  EXPECT_TRUE(first_->invites().empty());
  second().refund(*ticket);  // the registration it admitted failed
  EXPECT_EQ(first_->invites().size(), 1u);
  now_ = now_.load() + 3601s;
  EXPECT_EQ(first_->admit(invite->code).error().code, Errc::invalid_invite);
  EXPECT_TRUE(second().invites().empty());
  EXPECT_EQ(first_->create_invite(std::chrono::seconds(0), 1).error().code, Errc::bad_request);
  EXPECT_EQ(first_->create_invite(std::nullopt, 0).error().code, Errc::bad_request);
}

TEST_P(RegistrationConformance, TwoNodesRacingForTheLastUseOfEachCodeGetItOnceBetweenThem) {
  ASSERT_TRUE(first_->set_mode(RegistrationMode::invite).ok());
  constexpr int kCodes = 20;
  std::vector<std::string> codes;
  for (int i = 0; i < kCodes; ++i) {
    auto invite = first_->create_invite(std::nullopt, 1);
    ASSERT_TRUE(invite.ok());
    codes.push_back(invite->code);
  }
  std::array<RegistrationPolicy*, 2> nodes = {first_.get(), &second()};
  std::array<std::atomic<int>, kCodes> admitted{};
  std::atomic<int> other_errors{0};
  std::latch start(2);
  std::vector<std::thread> threads;
  for (auto* node : nodes) {
    threads.emplace_back([&, node] {
      start.arrive_and_wait();
      for (int i = 0; i < kCodes; ++i) {
        auto ticket = node->admit(codes[static_cast<std::size_t>(i)]);
        if (ticket.ok()) {
          ++admitted[static_cast<std::size_t>(i)];
        } else if (ticket.error().code != Errc::invalid_invite) {
          ++other_errors;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kCodes; ++i) EXPECT_EQ(admitted[static_cast<std::size_t>(i)].load(), 1) << i;
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_TRUE(first_->invites().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistrationConformance,
                         ::testing::Values(Kind::file, Kind::postgres), kind_name);

}  // namespace
}  // namespace netdisk::cluster_test
