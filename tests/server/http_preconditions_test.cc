// RFC 9110 preconditions (server/http/preconditions.h) without a socket: the order of section
// 13.2.2, strong and weak comparison, lists, "*", dates, and the storage check PUT and DELETE
// run at commit.
#include "server/http/preconditions.h"

#include <gtest/gtest.h>

#include "server/storage_errors.h"

namespace netdisk::server::http {
namespace {

constexpr std::int64_t kModified = 1'700'000'000;  // Tue, 14 Nov 2023 22:13:20 GMT
const std::string kModifiedDate = "Tue, 14 Nov 2023 22:13:20 GMT";
const std::string kEarlier = "Tue, 14 Nov 2023 22:13:19 GMT";
const std::string kLater = "Tue, 14 Nov 2023 22:13:21 GMT";

std::optional<Validators> file() { return Validators{"\"v1\"", kModified}; }

Preconditions if_match(std::string value) { return {std::move(value), "", "", ""}; }
Preconditions if_none_match(std::string value) { return {"", std::move(value), "", ""}; }
Preconditions if_unmodified_since(std::string value) { return {"", "", std::move(value), ""}; }
Preconditions if_modified_since(std::string value) { return {"", "", "", std::move(value)}; }

TEST(Preconditions, NoConditionsProceed) {
  EXPECT_EQ(evaluate_preconditions({}, file(), true), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions({}, std::nullopt, false), Verdict::proceed);
  EXPECT_FALSE(Preconditions{}.any());
}

TEST(Preconditions, IfMatchUsesStrongComparisonOverAList) {
  EXPECT_EQ(evaluate_preconditions(if_match("\"v1\""), file(), false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_match("\"v0\", \"v1\""), file(), false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_match("\"v0\""), file(), false), Verdict::failed);
  // A weak tag never matches strongly, even with the same opaque value.
  EXPECT_EQ(evaluate_preconditions(if_match("W/\"v1\""), file(), false), Verdict::failed);
  // On GET a false If-Match is 412 too, never 304.
  EXPECT_EQ(evaluate_preconditions(if_match("\"v0\""), file(), true), Verdict::failed);
}

TEST(Preconditions, IfMatchStarNeedsSomethingThere) {
  EXPECT_EQ(evaluate_preconditions(if_match("*"), file(), false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_match("*"), std::nullopt, false), Verdict::failed);
  EXPECT_EQ(evaluate_preconditions(if_match("\"v1\""), std::nullopt, false), Verdict::failed);
  // A folder exists but has no entity tag: only "*" matches it.
  EXPECT_EQ(evaluate_preconditions(if_match("*"), Validators{}, false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_match("\"\""), Validators{}, false), Verdict::failed);
}

TEST(Preconditions, IfNoneMatchUsesWeakComparisonAnd304OnlyForGetAndHead) {
  EXPECT_EQ(evaluate_preconditions(if_none_match("\"v1\""), file(), true), Verdict::not_modified);
  EXPECT_EQ(evaluate_preconditions(if_none_match("W/\"v1\""), file(), true), Verdict::not_modified);
  EXPECT_EQ(evaluate_preconditions(if_none_match("\"a\", W/\"v1\""), file(), true),
            Verdict::not_modified);
  EXPECT_EQ(evaluate_preconditions(if_none_match("\"v1\""), file(), false), Verdict::failed);
  EXPECT_EQ(evaluate_preconditions(if_none_match("\"v0\""), file(), false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_none_match("\"v0\""), file(), true), Verdict::proceed);
}

TEST(Preconditions, IfNoneMatchStarMeansOnlyIfNothingIsThere) {
  EXPECT_EQ(evaluate_preconditions(if_none_match("*"), std::nullopt, false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_none_match("*"), file(), false), Verdict::failed);
  EXPECT_EQ(evaluate_preconditions(if_none_match(" * "), Validators{}, false), Verdict::failed);
}

TEST(Preconditions, IfUnmodifiedSinceComparesWholeSecondsAndYieldsToIfMatch) {
  EXPECT_EQ(evaluate_preconditions(if_unmodified_since(kModifiedDate), file(), false),
            Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_unmodified_since(kLater), file(), false), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_unmodified_since(kEarlier), file(), false), Verdict::failed);
  // Ignored when If-Match is present (step 2 only runs without it)...
  Preconditions both{"\"v1\"", "", kEarlier, ""};
  EXPECT_EQ(evaluate_preconditions(both, file(), false), Verdict::proceed);
  // ... when the date is not a valid HTTP-date, and when there is no Last-Modified.
  EXPECT_EQ(evaluate_preconditions(if_unmodified_since("yesterday"), file(), false),
            Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_unmodified_since(kEarlier), Validators{}, false),
            Verdict::proceed);
}

TEST(Preconditions, IfModifiedSinceOnlyForGetAndHeadAndOnlyWithoutIfNoneMatch) {
  EXPECT_EQ(evaluate_preconditions(if_modified_since(kModifiedDate), file(), true),
            Verdict::not_modified);
  EXPECT_EQ(evaluate_preconditions(if_modified_since(kEarlier), file(), true), Verdict::proceed);
  EXPECT_EQ(evaluate_preconditions(if_modified_since(kModifiedDate), file(), false),
            Verdict::proceed);
  // If-None-Match takes precedence: a non-matching tag means send the body whatever the date.
  Preconditions both{"", "\"v0\"", "", kModifiedDate};
  EXPECT_EQ(evaluate_preconditions(both, file(), true), Verdict::proceed);
}

TEST(Preconditions, AFailedIfMatchWinsOverAMatchingIfNoneMatch) {
  // Step 1 comes before step 3: 412, not 304.
  Preconditions both{"\"v0\"", "\"v1\"", "", ""};
  EXPECT_EQ(evaluate_preconditions(both, file(), true), Verdict::failed);
}

TEST(Preconditions, MalformedListsMatchNothingAfterTheBreak) {
  EXPECT_FALSE(etag_list_matches("v1", "\"v1\"", true));
  EXPECT_FALSE(etag_list_matches("\"v1", "\"v1\"", true));
  EXPECT_TRUE(etag_list_matches("\"v1\" , junk", "\"v1\"", true));
  EXPECT_FALSE(etag_list_matches("junk, \"v1\"", "\"v1\"", true));
  EXPECT_TRUE(etag_list_matches(",, \"x\",\"v1\"", "\"v1\"", false));
  EXPECT_FALSE(etag_list_matches("\"x\" \"v1\"", "\"v1\"", false));
}

TEST(Preconditions, ReadFromARequestJoiningListsAndDroppingRepeatedDates) {
  Request request{bhttp::verb::put, "/files/a", 11};
  request.insert(bhttp::field::if_match, "\"a\"");
  request.insert(bhttp::field::if_match, "\"b\"");
  request.insert(bhttp::field::if_unmodified_since, kEarlier);
  request.insert(bhttp::field::if_unmodified_since, kLater);
  request.set(bhttp::field::if_modified_since, kModifiedDate);
  auto read = read_preconditions(request);
  EXPECT_EQ(read.if_match, "\"a\", \"b\"");
  EXPECT_EQ(read.if_unmodified_since, "");
  EXPECT_EQ(read.if_modified_since, kModifiedDate);
  EXPECT_TRUE(read.any());
}

TEST(Preconditions, TheCommitCheckSeesTheStorageState) {
  storage::TargetState state;
  state.exists = true;
  state.version = "v1";
  state.mtime_ns = kModified * 1'000'000'000 + 5;
  auto validators = validators_of(state);
  ASSERT_TRUE(validators);
  EXPECT_EQ(validators->etag, "\"v1\"");
  EXPECT_EQ(validators->last_modified, kModified);
  EXPECT_TRUE(precondition_check(if_match("\"v1\""))(state).ok());
  auto refused = precondition_check(if_match("\"v0\""))(state);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, storage::StorageErrc::condition_failed);
  EXPECT_EQ(wire_error(refused.error()).code, Errc::precondition_failed);
  EXPECT_FALSE(precondition_check(if_none_match("*"))(state).ok());
  EXPECT_TRUE(precondition_check(if_none_match("*"))(storage::TargetState{}).ok());
  EXPECT_FALSE(validators_of(storage::TargetState{}).has_value());
}

}  // namespace
}  // namespace netdisk::server::http
