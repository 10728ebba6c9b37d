// RegistrationPolicy (server/accounts/registration_policy.h): the modes, invitation codes with
// their uses and expiry at a hand-moved clock, what survives a reopen (digests, never codes),
// and a damaged file that is reported, not guessed at.
#include "server/accounts/registration_policy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = RegistrationPolicy::Clock;

class RegistrationPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("netdisk-registration-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RegistrationPolicy> open() {
    auto policy = RegistrationPolicy::open(file(), [this] { return now_; });
    EXPECT_TRUE(policy.ok()) << policy.error().message;
    return std::move(*policy);
  }
  fs::path file() const { return dir_ / std::string(kRegistrationFile); }
  std::string text() const {
    std::ifstream in(file());
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
  }

  fs::path dir_;
  Clock::time_point now_ = Clock::time_point(std::chrono::seconds(1'800'000'000));
};

TEST_F(RegistrationPolicyTest, AMissingFileMeansOpenAndNothingIsWrittenUntilAChange) {
  auto policy = open();
  EXPECT_EQ(policy->mode(), RegistrationMode::open);
  auto ticket = policy->admit("");
  ASSERT_TRUE(ticket.ok());
  EXPECT_TRUE(ticket->digest.empty());
  EXPECT_FALSE(fs::exists(file()));
}

TEST_F(RegistrationPolicyTest, ClosedRefusesEveryoneAndTheModeSurvivesAReopen) {
  ASSERT_TRUE(open()->set_mode(RegistrationMode::closed).ok());
  EXPECT_EQ((fs::status(file()).permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);
  auto policy = open();
  EXPECT_EQ(policy->mode(), RegistrationMode::closed);
  auto refused = policy->admit("anything");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::registration_closed);
}

TEST_F(RegistrationPolicyTest, AnInviteAdmitsExactlyItsUsesAndIsKeptOnlyAsADigest) {
  auto policy = open();
  ASSERT_TRUE(policy->set_mode(RegistrationMode::invite).ok());
  auto missing = policy->admit("");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::invite_required);
  auto invite = policy->create_invite(std::nullopt, 2);
  ASSERT_TRUE(invite.ok());
  EXPECT_EQ(text().find(invite->code), std::string::npos) << "the code itself was written";
  // Retyped in capitals and without its dashes, it is the same code.
  std::string retyped;
  for (char c : invite->code) {
    if (c != '-') retyped += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_TRUE(policy->admit(invite->code).ok());
  auto reopened = open();  // the use taken is durable
  EXPECT_TRUE(reopened->admit(retyped).ok());
  auto spent = reopened->admit(invite->code);
  ASSERT_FALSE(spent.ok());
  EXPECT_EQ(spent.error().code, Errc::invalid_invite);
  EXPECT_TRUE(reopened->invites().empty());
  EXPECT_EQ(reopened->admit("000000-000000-000000-000000").error().code, Errc::invalid_invite);
}

TEST_F(RegistrationPolicyTest, ARefundGivesAUseBackAndAnExpiredCodeAdmitsNobody) {
  auto policy = open();
  ASSERT_TRUE(policy->set_mode(RegistrationMode::invite).ok());
  auto invite = policy->create_invite(std::chrono::seconds(3600), 1);
  ASSERT_TRUE(invite.ok());
  ASSERT_TRUE(invite->expires.has_value());
  auto ticket = policy->admit(invite->code);
  ASSERT_TRUE(ticket.ok());
  policy->refund(*ticket);  // the registration it admitted failed
  EXPECT_EQ(open()->invites().size(), 1u);
  now_ += 3601s;
  EXPECT_EQ(policy->admit(invite->code).error().code, Errc::invalid_invite);
  EXPECT_TRUE(policy->invites().empty());
  ASSERT_TRUE(policy->set_mode(RegistrationMode::invite).ok());  // a rewrite prunes it
  EXPECT_EQ(text().find("\"digest\""), std::string::npos) << text();
}

TEST_F(RegistrationPolicyTest, NonsenseInvitationsAreRefused) {
  auto policy = open();
  EXPECT_EQ(policy->create_invite(std::nullopt, 0).error().code, Errc::bad_request);
  EXPECT_EQ(policy->create_invite(std::nullopt, kMaxInviteUses + 1).error().code,
            Errc::bad_request);
  EXPECT_EQ(policy->create_invite(std::chrono::seconds(0), 1).error().code, Errc::bad_request);
  EXPECT_FALSE(fs::exists(file()));
}

TEST_F(RegistrationPolicyTest, ADamagedFileIsAnErrorNamingItAndIsLeftAsItIs) {
  for (std::string damage : {"{not json", "[]", R"({"mode":"sometimes"})",
                             R"({"mode":"invite","invites":[{"digest":"x"}]})",
                             R"({"mode":"invite","invites":[{"digest":"x","created":"yesterday",)"
                             R"("expires":null,"uses_left":1}]})"}) {
    std::ofstream(file()) << damage;
    auto policy = RegistrationPolicy::open(file(), [this] { return now_; });
    ASSERT_FALSE(policy.ok()) << damage;
    EXPECT_EQ(policy.error().code, Errc::io_error);
    EXPECT_NE(policy.error().message.find("registration.json is damaged"), std::string::npos)
        << policy.error().message;
    EXPECT_EQ(text(), damage);
  }
}

}  // namespace
}  // namespace netdisk::server
