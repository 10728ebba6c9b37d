#include "storage/username.h"

#include <gtest/gtest.h>

#include <string>

namespace netdisk::storage {
namespace {

void expect_refused(std::string_view name, std::string_view reason_part) {
  auto status = validate_username(name);
  ASSERT_FALSE(status.ok()) << "accepted " << name;
  EXPECT_EQ(status.error().code, Errc::invalid_username);
  EXPECT_NE(status.error().message.find(reason_part), std::string::npos)
      << "message for \"" << name << "\" was: " << status.error().message;
}

TEST(Username, AcceptsLettersDigitsUnderscoreDashAndDot) {
  for (std::string_view name : {"alice", "Bob", "a", "user_01", "first.last", "a-b", "x.", "_x",
                                "9lives", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"}) {
    EXPECT_TRUE(validate_username(name).ok()) << name;
  }
}

TEST(Username, RefusesPathSeparatorsAndRelativeNames) {
  expect_refused("../x", "'.'");
  expect_refused("a/b", "path separator");
  expect_refused("a\\b", "path separator");
  expect_refused(".x", "'.'");
  expect_refused(".", "'.'");
  expect_refused("..", "'.'");
}

TEST(Username, RefusesSpacesControlCharactersAndNonAscii) {
  expect_refused("a b", "spaces");
  expect_refused(std::string_view("\x01", 1), "control");
  expect_refused("a\x1b[31m", "control");
  expect_refused(std::string_view("a\0b", 3), "control");
  expect_refused("a\tb", "control");
  expect_refused("j\xc3\xbcrgen", "ASCII");
  expect_refused("a!b", "'!'");
}

TEST(Username, RefusesLeadingCharactersThatASpreadsheetRunsAsAFormula) {
  expect_refused("=1+1", "formula");
  expect_refused("+x", "formula");
  expect_refused("@x", "formula");
  expect_refused("-x", "formula");
}

TEST(Username, RefusesEmptyAndLongerThan32Characters) {
  expect_refused("", "empty");
  expect_refused(std::string(33, 'a'), "longer than 32");
  EXPECT_TRUE(validate_username(std::string(32, 'a')).ok());
  expect_refused(std::string(1 << 20, 'a'), "longer than 32");
}

TEST(Username, KeyIgnoresAsciiCase) {
  EXPECT_EQ(username_key("Alice.Smith_01"), "alice.smith_01");
  EXPECT_EQ(username_key("ALICE"), username_key("alice"));
  EXPECT_NE(username_key("alice"), username_key("alice2"));
}

TEST(Password, NeedsAtLeastEightCharacters) {
  auto seven = validate_password("1234567");
  ASSERT_FALSE(seven.ok());
  EXPECT_EQ(seven.error().code, Errc::invalid_password);
  EXPECT_TRUE(validate_password("12345678").ok());
  EXPECT_FALSE(validate_password("").ok());
  // Seven characters that take 14 bytes are still seven characters.
  EXPECT_FALSE(validate_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").ok());
}

TEST(Password, AllowsAtMost1024Bytes) {
  EXPECT_TRUE(validate_password(std::string(1024, 'p')).ok());
  auto over = validate_password(std::string(1025, 'p'));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::invalid_password);
  EXPECT_NE(over.error().message.find("1024"), std::string::npos);
}

TEST(Password, RefusesAOneMegabytePassword) {
  auto huge = validate_password(std::string(1 << 20, 'p'));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, Errc::invalid_password);
}

}  // namespace
}  // namespace netdisk::storage
