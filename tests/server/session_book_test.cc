// The durable login sessions without a server: the sessions file's format and permissions, a
// restart (a new SessionBook on the same file) that keeps live logins and forgets ended ones,
// expiry on a clock the test moves, a damaged file set aside, write faults injected through
// the SessionStore interface, the group commit, and the bounds.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../e2e/wait_until.h"
#include "server/accounts/session_book.h"
#include "storage/session_file.h"

namespace netdisk::server {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = LoginTokens::Clock;

struct ManualClock {
  Clock::time_point now = Clock::time_point(std::chrono::hours(480000));
  LoginTokens::Now reader() {
    return [this] { return now; };
  }
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A SessionFile whose saves can be made to fail (ENOSPC as the disk would give it) or to wait
// for the test's go-ahead, counting what it was asked.
class FaultyStore final : public storage::SessionStore {
 public:
  explicit FaultyStore(fs::path path) : file_(std::move(path)) {}
  Result<std::vector<storage::SessionRecord>> load() override { return file_.load(); }
  Status save(const std::vector<storage::SessionRecord>& records) override {
    {
      std::unique_lock lock(mutex_);
      ++saves_entered_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !held_; });
    }
    if (fail_) return make_error(fail_with_, "write failed");
    return file_.save(records);
  }
  Result<std::string> set_aside() override { return file_.set_aside(); }

  std::atomic<bool> fail_{false};
  Errc fail_with_ = Errc::disk_full;  // set before fail_
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  int saves_entered() {
    std::lock_guard lock(mutex_);
    return saves_entered_;
  }

 private:
  storage::SessionFile file_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  int saves_entered_ = 0;
};

class SessionBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("netdisk-sessions-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path file() const { return dir_ / "sessions.txt"; }
  std::unique_ptr<SessionBook> open_book() {
    return std::make_unique<SessionBook>(std::make_unique<storage::SessionFile>(file()), 3600s,
                                         clock_.reader());
  }
  // A book over a FaultyStore on file(), and that store.
  std::pair<std::unique_ptr<SessionBook>, FaultyStore*> open_faulty_book() {
    auto store = std::make_unique<FaultyStore>(file());
    auto* faulty = store.get();
    return {std::make_unique<SessionBook>(std::move(store), 3600s, clock_.reader()), faulty};
  }
  std::vector<fs::path> set_aside_files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().filename().string().starts_with("sessions.txt.damaged-")) {
        found.push_back(entry.path());
      }
    }
    return found;
  }

  fs::path dir_;
  ManualClock clock_;
};

TEST_F(SessionBookTest, ALoginSurvivesARestartAndTheFileHoldsOnlyItsDigestWithMode0600) {
  std::string token;
  {
    auto book = open_book();
    token = book->issue("alice").value().token;
  }
  auto text = read_text(file());
  EXPECT_EQ(text.find(token), std::string::npos) << "the token itself was written";
  EXPECT_NE(text.find(LoginTokens::digest(token)), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto restarted = open_book();
  auto found = restarted->lookup(token);
  EXPECT_EQ(found.check, LoginTokens::Check::valid);
  EXPECT_EQ(found.username, "alice");
}

TEST_F(SessionBookTest, ALogoutBeforeARestartStaysEndedAfterIt) {
  std::string ended, kept, other;
  {
    auto book = open_book();
    ended = book->issue("alice").value().token;
    kept = book->issue("alice").value().token;
    other = book->issue("bob").value().token;
    ASSERT_TRUE(book->revoke(ended).ok());
  }
  auto restarted = open_book();
  EXPECT_EQ(restarted->lookup(ended).check, LoginTokens::Check::unknown);
  EXPECT_EQ(restarted->lookup(kept).check, LoginTokens::Check::valid);
  ASSERT_TRUE(restarted->revoke_user("alice", kept).ok());
  ASSERT_TRUE(restarted->revoke_user("bob").ok());
  auto again = open_book();
  EXPECT_EQ(again->lookup(kept).check, LoginTokens::Check::valid);
  EXPECT_EQ(again->lookup(other).check, LoginTokens::Check::unknown);
}

TEST_F(SessionBookTest, ExpiredLoginsArePrunedOnRewriteAndOnLoad) {
  auto book = open_book();
  auto old_login = book->issue("alice").value().token;
  clock_.now += 3000s;
  auto young_login = book->issue("bob").value().token;
  clock_.now += 601s;  // old_login is past its hour, young_login is not
  auto newest = book->issue("carol").value().token;
  auto text = read_text(file());
  EXPECT_EQ(text.find(LoginTokens::digest(old_login)), std::string::npos);
  EXPECT_NE(text.find(LoginTokens::digest(young_login)), std::string::npos);

  clock_.now += 3000s;  // now young_login is expired too, on disk still
  ASSERT_NE(read_text(file()).find(LoginTokens::digest(young_login)), std::string::npos);
  auto restarted = open_book();
  EXPECT_EQ(restarted->size(), 1u);
  EXPECT_EQ(restarted->lookup(young_login).check, LoginTokens::Check::unknown);
  EXPECT_EQ(restarted->lookup(newest).check, LoginTokens::Check::valid);
}

TEST_F(SessionBookTest, ADamagedFileIsSetAsideAndTheBookStartsEmpty) {
  for (const std::string& damage :
       {std::string("not a sessions file\n"),
        std::string("netdisk-sessions 1\n") + std::string(64, 'a') + " 1 2 alice",  // torn
        std::string("netdisk-sessions 1\nzz 1 2 alice\n"),
        std::string("netdisk-sessions 1\n") + std::string(64, 'a') + " 1 2 bad/name\n"}) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    { std::ofstream(file(), std::ios::binary) << damage; }
    auto book = open_book();
    EXPECT_EQ(book->size(), 0u);
    EXPECT_FALSE(fs::exists(file())) << damage;
    auto aside = set_aside_files();
    ASSERT_EQ(aside.size(), 1u) << damage;
    EXPECT_EQ(read_text(aside.front()), damage) << "the damaged file must be kept as it was";
    // The next login writes a fresh file; the set-aside one is left alone.
    auto token = book->issue("alice").value().token;
    EXPECT_EQ(open_book()->lookup(token).check, LoginTokens::Check::valid);
    EXPECT_EQ(set_aside_files().size(), 1u);
  }
}

TEST_F(SessionBookTest, AMissingFileIsNoSessions) {
  auto book = open_book();
  EXPECT_EQ(book->size(), 0u);
  EXPECT_TRUE(set_aside_files().empty());
}

TEST_F(SessionBookTest, AFailedWriteRefusesTheLoginAndKeepsNothingOfIt) {
  auto [book_owner, faulty] = open_faulty_book();
  auto& book = *book_owner;
  auto kept = book.issue("alice").value().token;
  faulty->fail_with_ = Errc::io_error;
  faulty->fail_ = true;
  auto refused = book.issue("alice");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::io_error);
  EXPECT_EQ(book.size(), 1u) << "a login whose token nobody received must not stay";
  faulty->fail_ = false;
  book.issue("bob").value();
  auto restarted = open_book();
  EXPECT_EQ(restarted->size(), 2u);
  EXPECT_EQ(restarted->lookup(kept).check, LoginTokens::Check::valid);
}

// On a full disk people must still log in (to delete files and make room): the login is kept
// in memory and made durable by the next rewrite that succeeds.
TEST_F(SessionBookTest, OnAFullDiskALoginIsKeptInMemoryAndMadeDurableByTheNextRewrite) {
  auto [book_owner, faulty] = open_faulty_book();
  auto& book = *book_owner;
  faulty->fail_ = true;
  auto full = book.issue("alice");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(book.lookup(full->token).check, LoginTokens::Check::valid);
  EXPECT_EQ(open_book()->lookup(full->token).check, LoginTokens::Check::unknown)
      << "it cannot be on disk yet";
  faulty->fail_ = false;
  book.issue("bob").value();
  EXPECT_EQ(open_book()->lookup(full->token).check, LoginTokens::Check::valid);
}

TEST_F(SessionBookTest, AFailedLogoutWriteIsReportedAndRecordedByTheNextRewrite) {
  auto [book_owner, faulty] = open_faulty_book();
  auto& book = *book_owner;
  auto token = book.issue("alice").value().token;
  faulty->fail_ = true;
  auto ended = book.revoke(token);
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error().code, Errc::disk_full);
  EXPECT_EQ(book.lookup(token).check, LoginTokens::Check::unknown) << "ended in memory at once";
  faulty->fail_ = false;
  book.issue("bob").value();
  EXPECT_EQ(open_book()->lookup(token).check, LoginTokens::Check::unknown);
}

TEST_F(SessionBookTest, ALoginStormIsGroupCommittedIntoAFewRewrites) {
  auto [book_owner, faulty] = open_faulty_book();
  auto& book = *book_owner;
  faulty->hold();  // the first rewrite waits until every login is queued behind it
  constexpr int kLogins = 50;
  std::vector<std::string> tokens(kLogins);
  std::vector<std::thread> threads;
  for (int i = 0; i < kLogins; ++i) {
    threads.emplace_back(
        [&, i] { tokens[i] = book.issue("user" + std::to_string(i)).value().token; });
  }
  ASSERT_TRUE(
      e2e::wait_until([&] { return book.size() == kLogins && faulty->saves_entered() == 1; }));
  faulty->release();
  for (auto& thread : threads) thread.join();
  EXPECT_LE(book.rewrites(), 2u);
  auto restarted = open_book();
  for (const auto& token : tokens) {
    EXPECT_EQ(restarted->lookup(token).check, LoginTokens::Check::valid);
  }
}

TEST(SessionBounds, AUsersOldestLoginGivesWayAndTheTotalIsCapped) {
  ManualClock clock;
  LoginTokens tokens(3600s, clock.reader());
  auto first = tokens.issue("alice").value().token;
  for (std::size_t i = 1; i < LoginTokens::kMaxPerUser; ++i) {
    clock.now += 1s;
    tokens.issue("alice").value();
  }
  EXPECT_EQ(tokens.lookup(first).check, LoginTokens::Check::valid);
  clock.now += 1s;
  tokens.issue("alice").value();
  EXPECT_EQ(tokens.lookup(first).check, LoginTokens::Check::unknown);
  EXPECT_EQ(tokens.size(), LoginTokens::kMaxPerUser);

  for (std::size_t i = tokens.size(); i < LoginTokens::kMaxTotal; ++i) {
    tokens.issue("u" + std::to_string(i / 20)).value();
  }
  auto refused = tokens.issue("newcomer");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::server_busy);
  clock.now += 3601s;  // every login has expired: room again
  EXPECT_TRUE(tokens.issue("newcomer").ok());
}

TEST(SessionFileFormat, WhatIsWrittenReadsBack) {
  std::vector<storage::SessionRecord> records = {
      {std::string(64, 'a'), "alice", Clock::time_point(100s), Clock::time_point(200s)},
      {std::string(64, 'b'), "Bob.x-1_2", Clock::time_point(300s), Clock::time_point(400s)}};
  auto parsed = storage::parse_sessions(storage::format_sessions(records));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].username, "Bob.x-1_2");
  EXPECT_EQ((*parsed)[1].issued, Clock::time_point(300s));
  EXPECT_EQ((*parsed)[1].expires, Clock::time_point(400s));
  EXPECT_EQ((*parsed)[0].digest, std::string(64, 'a'));
}

}  // namespace
}  // namespace netdisk::server
