// SessionToken (server/ops/session_token.h): a token of the shape the server issues is held as
// 32 packed bytes, anything else as it came, and str() always gives back the string assigned.
#include "server/ops/session_token.h"

#include <gtest/gtest.h>

#include <string>

namespace netdisk::server::ops {
namespace {

TEST(SessionToken, AnIssuedTokenIsPackedAndComesBackExactly) {
  const std::string issued = "00ff10a9b8c7d6e5f4031221304f5e6d7c8b9aa0b1c2d3e4f5061728394a5b6c";
  SessionToken token;
  token.assign(issued);
  EXPECT_TRUE(token.packed());
  EXPECT_FALSE(token.empty());
  EXPECT_EQ(token.str(), issued);
}

TEST(SessionToken, OtherShapesAreKeptAsTheyCame) {
  const std::string upper = "00FF10A9B8C7D6E5F4031221304F5E6D7C8B9AA0B1C2D3E4F5061728394A5B6C";
  const std::string short_hex = "00ff10a9";
  const std::string not_hex = std::string(63, 'a') + "g";
  const std::string with_nul = std::string(64, '0').replace(10, 1, 1, '\0');
  for (const auto& odd : {upper, short_hex, not_hex, with_nul, std::string("cookie=value")}) {
    SessionToken token;
    token.assign(odd);
    EXPECT_FALSE(token.packed()) << odd;
    EXPECT_EQ(token.str(), odd);
  }
}

TEST(SessionToken, ClearAndReassignLeaveNoTraceOfTheOldToken) {
  SessionToken token;
  EXPECT_TRUE(token.empty());
  EXPECT_EQ(token.str(), "");
  token.assign(std::string(64, 'f'));
  token.assign("plain");
  EXPECT_FALSE(token.packed());
  EXPECT_EQ(token.str(), "plain");
  token.assign(std::string(64, '1'));
  EXPECT_TRUE(token.packed());
  EXPECT_EQ(token.str(), std::string(64, '1'));
  token.clear();
  EXPECT_TRUE(token.empty());
  EXPECT_EQ(token.str(), "");
  token.assign("");
  EXPECT_TRUE(token.empty());
}

}  // namespace
}  // namespace netdisk::server::ops
