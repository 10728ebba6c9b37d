// Unit tests of the chat's text handling: what a typed line means, and how events are shown.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "client/chat/chat_format.h"
#include "client/chat/chat_input.h"

namespace netdisk::client {
namespace {

using Kind = ChatInput::Kind;

protocol::Reply event(const std::string& name, nlohmann::json fields) {
  protocol::Reply reply;
  reply.event = name;
  reply.ok = true;
  fields["event"] = name;
  reply.body = std::move(fields);
  return reply;
}

// Runs the test body in UTC, so HH:MM is the wire time.
class ChatFormat : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz ? std::optional<std::string>(tz) : std::nullopt;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  std::optional<std::string> saved_;
};

TEST(ChatInput, PlainTextIsSaidToTheRoomAsTyped) {
  auto input = parse_chat_input("  hello,  world ");
  EXPECT_EQ(input.kind, Kind::say);
  EXPECT_EQ(input.text, "  hello,  world ");
}

TEST(ChatInput, BlankLinesSendNothing) {
  EXPECT_EQ(parse_chat_input("").kind, Kind::nothing);
  EXPECT_EQ(parse_chat_input(" \t ").kind, Kind::nothing);
}

TEST(ChatInput, ADoubleSlashSendsTheLineWithOneSlash) {
  auto input = parse_chat_input("//who is there");
  EXPECT_EQ(input.kind, Kind::say);
  EXPECT_EQ(input.text, "/who is there");
}

TEST(ChatInput, MsgTakesANameAndKeepsTheSpacingOfItsText) {
  auto input = parse_chat_input("/msg bob  two  spaces");
  EXPECT_EQ(input.kind, Kind::tell);
  EXPECT_EQ(input.to, "bob");
  EXPECT_EQ(input.text, " two  spaces");
  EXPECT_EQ(parse_chat_input("/msg bob").kind, Kind::invalid);
  EXPECT_EQ(parse_chat_input("/msg bob   ").kind, Kind::invalid);
  EXPECT_EQ(parse_chat_input("/msg").kind, Kind::invalid);
}

TEST(ChatInput, SlashCommandsAreRecognisedAndUnknownOnesRefused) {
  EXPECT_EQ(parse_chat_input("/who").kind, Kind::who);
  EXPECT_EQ(parse_chat_input("/help").kind, Kind::help);
  EXPECT_EQ(parse_chat_input("/quit ").kind, Kind::quit);
  EXPECT_EQ(parse_chat_input("/quit now").kind, Kind::invalid);
  auto unknown = parse_chat_input("/shrug");
  EXPECT_EQ(unknown.kind, Kind::invalid);
  EXPECT_NE(unknown.text.find("/shrug"), std::string::npos);
  EXPECT_NE(unknown.text.find("//"), std::string::npos) << "says how to send a / line";
}

TEST_F(ChatFormat, EventsShowTheLocalTimeTheSenderAndTheText) {
  EXPECT_EQ(format_chat_event(event(
                "chat.message",
                {{"from", "alice"}, {"text", "hi"}, {"time", "2026-11-23T10:04:05.123456789Z"}})),
            "[10:04] alice: hi");
  EXPECT_EQ(
      format_chat_event(event(
          "chat.private", {{"from", "bob"}, {"text", "psst"}, {"time", "2026-11-23T23:59:59Z"}})),
      "[23:59] (private) bob: psst");
  EXPECT_EQ(format_chat_event(
                event("chat.joined", {{"user", "carol"}, {"time", "2026-11-23T00:00:00Z"}})),
            "[00:00] * carol joined");
  EXPECT_EQ(
      format_chat_event(event("chat.left", {{"user", "carol"}, {"time", "2026-11-23T01:02:00Z"}})),
      "[01:02] * carol left");
  EXPECT_EQ(format_chat_event(event("chat.something.new", {{"time", "2026-11-23T01:02:00Z"}})),
            std::nullopt);
}

TEST_F(ChatFormat, TimesFollowTheLocalTimeZone) {
  ::setenv("TZ", "IST-5:30", 1);  // POSIX form of UTC+05:30: needs no zoneinfo files
  ::tzset();
  EXPECT_EQ(local_hh_mm("2026-11-23T10:04:05Z"), "15:34");
}

TEST_F(ChatFormat, AnUnreadableTimeShowsTheCurrentTime) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char expected[8];
  std::strftime(expected, sizeof expected, "%H:%M", &utc);
  auto shown = local_hh_mm("yesterday");
  if (shown != expected) {  // the minute may have turned in between
    now = std::time(nullptr);
    ::gmtime_r(&now, &utc);
    std::strftime(expected, sizeof expected, "%H:%M", &utc);
  }
  EXPECT_EQ(shown, expected);
}

TEST(ChatPrintable, ControlCharactersCannotReachTheTerminal) {
  EXPECT_EQ(printable("a\tb"), "a b");
  EXPECT_EQ(printable("red \x1b[31m!"), "red ?[31m!");
  EXPECT_EQ(printable("bell\a del\x7f"), "bell? del?");
  EXPECT_EQ(printable("csi \xc2\x9b"
                      "31m"),
            "csi ?31m");  // U+009B, the one-byte CSI
  EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x98\x83"), "caf\xc3\xa9 \xe2\x98\x83");
}

TEST(ChatPrintable, AMessageThatTriesToMoveTheCursorIsShownHarmlessly) {
  auto line = format_chat_event(event(
      "chat.message",
      {{"from", "mallory"}, {"text", "\r\x1b[2Kfake: hi"}, {"time", "2026-11-23T10:04:05Z"}}));
  ASSERT_TRUE(line);
  EXPECT_EQ(line->find('\x1b'), std::string::npos);
  EXPECT_EQ(line->find('\r'), std::string::npos);
}

TEST(ChatMembers, TheRoomIsListedInTheOrderGiven) {
  EXPECT_EQ(format_members(nlohmann::json::array({"alice", "bob"})), "* in the room: alice, bob");
  EXPECT_EQ(format_members(nlohmann::json::array()), "* in the room:");
}

}  // namespace
}  // namespace netdisk::client
