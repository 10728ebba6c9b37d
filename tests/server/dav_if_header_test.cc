// The If header: its grammar, its evaluation (RFC 4918 §10.4) and the lock tokens it submits,
// with the conditional requests litmus's "locks" suite sends.
#include "server/dav/if_header.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "server/dav/timeout_header.h"

namespace netdisk::server::dav {
namespace {

constexpr const char* kToken = "urn:uuid:6b1f7c1e-0d4e-4c3a-9a7b-2f1d3c4b5a69";

// A resource state held in maps: the request URI is the "" key.
class FakeState : public IfState {
 public:
  std::map<std::string, std::string> etags;
  std::map<std::string, std::set<std::string>> locks;
  int etag_lookups = 0;

  std::optional<std::string> etag(const std::optional<std::string>& tag) override {
    ++etag_lookups;
    auto it = etags.find(tag.value_or(""));
    if (it == etags.end()) return std::nullopt;
    return it->second;
  }
  bool lock_matches(const std::optional<std::string>& tag, std::string_view token) override {
    auto it = locks.find(tag.value_or(""));
    return it != locks.end() && it->second.contains(std::string(token));
  }
};

class IfHeaderTest : public ::testing::Test {
 protected:
  IfHeaderTest() {
    state_.etags[""] = "\"abc\"";
    state_.locks[""] = {kToken};
  }
  bool holds(const std::string& value) {
    auto header = parse_if_header(value);
    EXPECT_TRUE(header.ok()) << value;
    return header.ok() && evaluate_if(*header, state_);
  }
  FakeState state_;
};

TEST_F(IfHeaderTest, AListOfTheLocksTokenAndTheCurrentEtagHolds) {
  EXPECT_TRUE(holds(std::string("(<") + kToken + "> [\"abc\"])"));
}

TEST_F(IfHeaderTest, AnUnknownTokenOrAStaleEtagFails) {
  EXPECT_FALSE(holds("(<DAV:no-lock> [\"abc\"])"));
  EXPECT_FALSE(holds(std::string("(<") + kToken + "> [\"abd\"])"));
  EXPECT_FALSE(holds("(<DAV:no-lock>)"));
}

TEST_F(IfHeaderTest, NotInvertsOneConditionAndListsAreAlternatives) {
  EXPECT_TRUE(holds(std::string("(<") + kToken + ">) (Not <DAV:no-lock>)"));
  // litmus cond_put_corrupt_token: the header holds by its second list, but the token it
  // submits is not the lock's, so the write is refused by the lock check (423), not here.
  auto corrupt = std::string("(<") + kToken + "x>) (Not <DAV:no-lock>)";
  EXPECT_TRUE(holds(corrupt));
  EXPECT_EQ(parse_if_header(corrupt)->state_tokens(),
            (std::vector<std::string>{std::string(kToken) + "x", "DAV:no-lock"}));
  EXPECT_TRUE(holds(std::string("(<") + kToken + "> [\"abc\"]) (Not <DAV:no-lock> [\"abc\"])"));
  EXPECT_FALSE(holds(std::string("(<") + kToken + "> [\"abx\"]) (Not <DAV:no-lock> [\"abx\"])"));
  EXPECT_FALSE(holds(std::string("(Not <") + kToken + ">)"));
  EXPECT_TRUE(holds("(not [\"zzz\"])"));
}

TEST_F(IfHeaderTest, EntityTagsCompareWeakly) {
  EXPECT_TRUE(holds("([W/\"abc\"])"));
  state_.etags[""] = "W/\"abc\"";
  EXPECT_TRUE(holds("([\"abc\"])"));
}

TEST_F(IfHeaderTest, AMissingResourceMatchesNoEtag) {
  state_.etags.clear();
  EXPECT_FALSE(holds("([\"abc\"])"));
  EXPECT_TRUE(holds("(Not [\"abc\"])"));
}

TEST_F(IfHeaderTest, TaggedListsApplyToTheResourceTheyName) {
  state_.etags["http://h/files/b"] = "\"b1\"";
  state_.locks["http://h/files/b"] = {"urn:uuid:b"};
  auto header =
      parse_if_header("<http://h/files/a> ([\"nope\"]) <http://h/files/b> (<urn:uuid:b> [\"b1\"])");
  ASSERT_TRUE(header.ok());
  ASSERT_EQ(header->resources.size(), 2u);
  EXPECT_EQ(header->resources[1].tag, std::optional<std::string>("http://h/files/b"));
  EXPECT_TRUE(evaluate_if(*header, state_));
  EXPECT_FALSE(holds("<http://h/files/a> (<urn:uuid:b>)"));
}

TEST_F(IfHeaderTest, AResourcesEtagIsLookedUpOnce) {
  EXPECT_TRUE(holds("([\"x\"]) ([\"y\"]) ([\"abc\"])"));
  EXPECT_EQ(state_.etag_lookups, 1);
}

TEST_F(IfHeaderTest, AnEtagMayHoldBracketsAndSpacesAreFree) {
  state_.etags[""] = "\"a]b\"";
  EXPECT_TRUE(holds("  (  [\"a]b\"]  )  "));
}

TEST(IfHeaderParse, MalformedHeadersAreRefused) {
  for (const char* bad :
       {"", "   ", "()", "(", "(<a>", "<a>", "<a> x", "(<a>) <b> (<c>)", "([abc])", "([\"abc\")",
        "(<>)", "(Not)", "(x)", "(<a>) junk", "([W/abc])"}) {
    auto parsed = parse_if_header(bad);
    EXPECT_FALSE(parsed.ok()) << "accepted: " << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code, Errc::bad_request);
    }
  }
}

TEST_F(IfHeaderTest, AHeaderSentOnSeveralLinesReadsAsOneWithEveryList) {
  // The first line alone is false; the second line's list makes the whole header hold.
  auto combined = combine_if_lines({"(<urn:uuid:other>)", std::string("(<") + kToken + ">)"});
  EXPECT_EQ(combined, std::string("(<urn:uuid:other>), (<") + kToken + ">)");
  EXPECT_TRUE(holds(combined));
  auto parsed = parse_if_header(combined);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->state_tokens(), (std::vector<std::string>{"urn:uuid:other", kToken}));
  auto tagged = parse_if_header(
      combine_if_lines({"<http://h/files/a> (<urn:a>)", "<http://h/files/b> (<urn:b>)"}));
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->resources.size(), 2u);
}

TEST(IfHeaderParse, ATaggedLineAfterAnUntaggedOneIsRefused) {
  EXPECT_FALSE(
      parse_if_header(combine_if_lines({"(<urn:a>)", "<http://h/files/b> (<urn:b>)"})).ok());
  // The other way round the combined value is grammatical: the second line's list is one
  // more alternative for the tagged resource, as it would be on one line.
  auto joined = parse_if_header(combine_if_lines({"<http://h/files/b> (<urn:b>)", "(<urn:a>)"}));
  ASSERT_TRUE(joined.ok());
  ASSERT_EQ(joined->resources.size(), 1u);
  EXPECT_EQ(joined->resources[0].lists.size(), 2u);
  // Commas separate lists, never conditions inside one, nor a tag from its list.
  EXPECT_FALSE(parse_if_header("(<urn:a>, <urn:b>)").ok());
  EXPECT_FALSE(parse_if_header("<http://h/files/b>, (<urn:b>)").ok());
  EXPECT_FALSE(parse_if_header(", ,").ok());
}

TEST(IfHeaderParse, HugeHeadersAreRefusedRatherThanEvaluated) {
  std::string many;
  for (int i = 0; i < 300; ++i) many += "(<urn:x>)";
  EXPECT_FALSE(parse_if_header(many).ok());
  std::string tags;
  for (int i = 0; i < 40; ++i) tags += "<http://h/" + std::to_string(i) + "> (<urn:x>)";
  EXPECT_FALSE(parse_if_header(tags).ok());
}

TEST(TimeoutHeader, TheFirstUnderstoodTimeTypeWins) {
  using std::chrono::seconds;
  EXPECT_EQ(parse_timeout("Second-3600"), seconds(3600));
  EXPECT_EQ(parse_timeout("Infinite, Second-4100000000"), seconds::max());
  EXPECT_EQ(parse_timeout("Fortnight, second-60"), seconds(60));
  EXPECT_EQ(parse_timeout("Second-99999999999999999999999"),
            seconds(std::numeric_limits<seconds::rep>::max()));
  EXPECT_EQ(parse_timeout(""), seconds(0));
  EXPECT_EQ(parse_timeout("Second-"), seconds(0));
  EXPECT_EQ(parse_timeout("Second--5"), seconds(0));
  EXPECT_EQ(parse_timeout("Second-0"), seconds(0));
}

}  // namespace
}  // namespace netdisk::server::dav
