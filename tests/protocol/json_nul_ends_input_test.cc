// Regression test for the bug "json_nul_ends_input", found by tests/fuzz/fuzz_control_message:
// nlohmann's lexer treats a NUL byte outside a string as the end of input, so a payload like
// "{}\0\xff" (or a valid request followed by NUL and anything at all) was accepted as a
// message, although the bytes after the NUL are not JSON and not even UTF-8.
// The fuzzer's minimised input is tests/fuzz/corpus/fuzz_control_message/regress_json_nul_ends_input.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "protocol/json_parser.h"
#include "protocol/message.h"

namespace netdisk::protocol {
namespace {

using namespace std::string_literals;

TEST(JsonNulEndsInput, RefusesAnObjectFollowedByNulAndInvalidUtf8) {
  auto parsed = parse_json_object("{}\0\xff"s);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, Errc::bad_json);
}

TEST(JsonNulEndsInput, RefusesARequestWithBytesSmuggledAfterANul) {
  Request request;
  auto status = parse_request("{\"op\":\"ping\",\"id\":1}\0{\"op\":\"remove\",\"id\":2}"s, request);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::bad_json);
  EXPECT_FALSE(parse_reply("{\"id\":1,\"ok\":true}\0"s).ok());
}

TEST(JsonNulEndsInput, StillAcceptsAnEscapedNulInsideAString) {
  Request request;
  ASSERT_TRUE(parse_request(R"({"op":"chat.send","id":3,"text":"a\u0000b"})", request).ok());
  EXPECT_EQ(request.body["text"].get<std::string>(), "a\0b"s);
}

}  // namespace
}  // namespace netdisk::protocol
