// Unit tests of the server_busy back-off (client/busy_retry.h): the schedule is bounded,
// exponential and fully jittered, and retry_while_busy() retries only server_busy. The random
// source and the sleep are injected: nothing here sleeps.
#include <gtest/gtest.h>

#include <vector>

#include "client/busy_retry.h"
#include "client/server_link.h"

namespace netdisk::client {
namespace {

using std::chrono::milliseconds;

struct Recorder {
  std::vector<milliseconds> pauses;
  Backoff backoff(double draw, BackoffPolicy policy = {}) {
    return Backoff(
        policy, [draw] { return draw; }, [this](milliseconds m) { pauses.push_back(m); });
  }
};

TEST(BusyBackoff, WindowsDoubleUpToTheCapAndAttemptsAreBounded) {
  Recorder record;
  BackoffPolicy roomy;
  roomy.budget = milliseconds(60000);
  auto backoff = record.backoff(0.999999, roomy);  // the top of every window
  while (backoff.pause()) {
  }
  EXPECT_EQ(backoff.attempts(), 8);
  std::vector<milliseconds> expected = {milliseconds(199),  milliseconds(399),  milliseconds(799),
                                        milliseconds(1599), milliseconds(3199), milliseconds(3999),
                                        milliseconds(3999)};
  EXPECT_EQ(record.pauses, expected);
}

TEST(BusyBackoff, TheDefaultScheduleNeverPausesMoreThanTenSecondsInAll) {
  Recorder record;
  auto backoff = record.backoff(0.999999);
  while (backoff.pause()) {
  }
  // 199 + 399 + 799 + 1599 + 3199 = 6195 ms; the budget leaves 3805 ms for the last pause.
  std::vector<milliseconds> expected = {milliseconds(199),  milliseconds(399),  milliseconds(799),
                                        milliseconds(1599), milliseconds(3199), milliseconds(3805)};
  EXPECT_EQ(record.pauses, expected);
  EXPECT_EQ(backoff.paused(), milliseconds(10000));
  EXPECT_EQ(backoff.attempts(), 7);
}

TEST(BusyBackoff, FullJitterDrawsAnywhereInTheWindow) {
  Recorder low, mid;
  auto none = low.backoff(0.0);
  auto half = mid.backoff(0.5);
  while (none.pause()) {
  }
  while (half.pause()) {
  }
  EXPECT_EQ(low.pauses, std::vector<milliseconds>(7, milliseconds(0)));
  std::vector<milliseconds> expected = {milliseconds(100), milliseconds(200),  milliseconds(400),
                                        milliseconds(800), milliseconds(1600), milliseconds(2000),
                                        milliseconds(2000)};
  EXPECT_EQ(mid.pauses, expected);
}

TEST(BusyBackoff, TheTotalBudgetCutsTheScheduleShort) {
  Recorder record;
  BackoffPolicy policy;
  policy.max_attempts = 100;
  policy.budget = milliseconds(5000);
  auto backoff = record.backoff(0.999999, policy);
  while (backoff.pause()) {
  }
  milliseconds total{0};
  for (auto pause : record.pauses) total += pause;
  EXPECT_EQ(total, milliseconds(5000));
  EXPECT_EQ(backoff.paused(), milliseconds(5000));
  EXPECT_LT(record.pauses.size(), 100u);
}

TEST(RetryWhileBusy, RetriesServerBusyUntilTheCallGoesThrough) {
  Recorder record;
  int calls = 0;
  auto result = retry_while_busy(
      [&] {
        if (++calls < 4) throw ServerError("server_busy", "too many logins");
        return nlohmann::json{{"token", "t"}};
      },
      record.backoff(0.5));
  EXPECT_EQ(result.value("token", ""), "t");
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(record.pauses.size(), 3u);
}

TEST(RetryWhileBusy, GivesUpAfterTheLastAttemptWithAClearMessage) {
  Recorder record;
  int calls = 0;
  try {
    retry_while_busy(
        [&]() -> nlohmann::json {
          ++calls;
          throw ServerError("server_busy", "too many logins and registrations at once");
        },
        record.backoff(0.5));
    FAIL() << "no error";
  } catch (const ServerError& error) {
    EXPECT_EQ(error.code(), "server_busy");
    std::string text = error.what();
    EXPECT_NE(text.find("8 attempts"), std::string::npos) << text;
    EXPECT_NE(text.find("7.1 s"), std::string::npos) << text;
    EXPECT_NE(text.find("try again later"), std::string::npos) << text;
  }
  EXPECT_EQ(calls, 8);
}

TEST(RetryWhileBusy, OtherErrorsAreNotRetried) {
  Recorder record;
  int calls = 0;
  EXPECT_THROW(retry_while_busy(
                   [&]() -> nlohmann::json {
                     ++calls;
                     throw ServerError("auth_failed", "wrong username or password");
                   },
                   record.backoff(0.5)),
               ServerError);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(record.pauses.empty());
}

}  // namespace
}  // namespace netdisk::client
