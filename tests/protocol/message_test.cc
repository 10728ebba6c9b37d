#include "protocol/message.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/fields.h"
#include "protocol/frame.h"
#include "protocol/json_parser.h"

namespace netdisk::protocol {
namespace {

using json = nlohmann::json;

Errc request_error(std::string_view payload, std::uint64_t* id = nullptr) {
  Request request;
  auto status = parse_request(payload, request);
  EXPECT_FALSE(status.ok()) << payload;
  if (id) *id = request.id;
  return status.ok() ? Errc::internal_error : status.error().code;
}

std::string payload_of(const std::string& frame) { return frame.substr(kFrameHeaderBytes); }

TEST(ParseRequest, ReadsOpIdAndParameters) {
  Request request;
  ASSERT_TRUE(parse_request(R"({"op":"download","id":42,"path":"a.txt","offset":7})", request).ok());
  EXPECT_EQ(request.op, "download");
  EXPECT_EQ(request.id, 42u);
  EXPECT_EQ(*string_field(request.body, "path"), "a.txt");
  EXPECT_EQ(*uint_field(request.body, "offset"), 7u);
}

TEST(ParseRequest, RefusesBrokenJsonAsBadJson) {
  EXPECT_EQ(request_error(R"({"op":"ping","id":1)"), Errc::bad_json);
  EXPECT_EQ(request_error("not json at all"), Errc::bad_json);
  EXPECT_EQ(request_error(R"({"op":"ping","id":1} trailing)"), Errc::bad_json);
}

TEST(ParseRequest, RefusesInvalidUtf8) {
  EXPECT_EQ(request_error("{\"op\":\"p\xff\xfeng\",\"id\":1}"), Errc::bad_json);
  EXPECT_EQ(request_error("{\"op\":\"\xc0\xaf\",\"id\":1}"), Errc::bad_json);  // overlong '/'
  EXPECT_EQ(request_error("{\"op\":\"\xed\xa0\x80\",\"id\":1}"), Errc::bad_json);  // surrogate
}

TEST(ParseRequest, RefusesATopLevelValueThatIsNotAnObject) {
  for (auto payload : {"[1,2]", "\"op\"", "42", "null", "true"}) {
    EXPECT_EQ(request_error(payload), Errc::bad_json) << payload;
  }
}

TEST(ParseRequest, RefusesDuplicateKeys) {
  EXPECT_EQ(request_error(R"({"op":"ping","id":1,"op":"rm"})"), Errc::bad_json);
  EXPECT_EQ(request_error(R"({"op":"ping","id":1,"x":{"a":1,"a":2}})"), Errc::bad_json);
}

TEST(ParseRequest, AcceptsTheSameKeyInDifferentObjects) {
  Request request;
  EXPECT_TRUE(parse_request(R"({"op":"ping","id":1,"x":{"id":1},"y":[{"id":2}]})", request).ok());
}

TEST(ParseRequest, RefusesDeeplyNestedJson) {
  std::string deep = R"({"op":"ping","id":1,"x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  EXPECT_EQ(request_error(deep), Errc::bad_json);
  std::string objects = R"({"op":"ping","id":1,"x":)";
  for (int i = 0; i < 1000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(1000, '}') + "}";
  EXPECT_EQ(request_error(objects), Errc::bad_json);
}

TEST(ParseRequest, NestingUpToTheLimitIsAccepted) {
  std::string ok = R"({"op":"ping","id":1,"x":)" + std::string(kMaxJsonDepth - 1, '[') +
                   std::string(kMaxJsonDepth - 1, ']') + "}";
  Request request;
  EXPECT_TRUE(parse_request(ok, request).ok());
}

TEST(ParseRequest, RefusesMissingOrWronglyTypedEnvelopeFields) {
  EXPECT_EQ(request_error(R"({"id":1})"), Errc::bad_request);
  EXPECT_EQ(request_error(R"({"op":"ping"})"), Errc::bad_request);
  EXPECT_EQ(request_error(R"({"op":7,"id":1})"), Errc::bad_request);
  for (auto id : {"-1", "0", "1.5", "1e30", "18446744073709551616", "\"1\"", "null",
                  "9007199254740992"}) {
    std::string payload = std::string(R"({"op":"ping","id":)") + id + "}";
    EXPECT_EQ(request_error(payload), Errc::bad_request) << payload;
  }
}

TEST(ParseRequest, KeepsTheIdWhenOnlyTheOpIsBad) {
  std::uint64_t id = 0;
  EXPECT_EQ(request_error(R"({"op":["x"],"id":9})", &id), Errc::bad_request);
  EXPECT_EQ(id, 9u);
}

TEST(Fields, RefuseNumbersOutOfRangeForSizesAndOffsets) {
  auto body = json::parse(
      R"({"neg":-1,"big":1e30,"huge":18446744073709551615,"frac":0.5,"str":"5","ok":9223372036854775807})");
  for (auto name : {"neg", "big", "huge", "frac", "str"}) {
    auto value = uint_field(body, name);
    ASSERT_FALSE(value.ok()) << name;
    EXPECT_EQ(value.error().code, Errc::bad_request);
    EXPECT_NE(value.error().message.find(name), std::string::npos) << "message names the field";
  }
  EXPECT_EQ(*uint_field(body, "ok"), kMaxWireInteger);
  EXPECT_FALSE(uint_field(body, "absent").ok());
  EXPECT_FALSE(optional_uint_field(body, "absent")->has_value());
}

TEST(Fields, StringAndBoolAccessorsCheckTypes) {
  auto body = json::parse(R"({"s":"x","n":1,"b":true})");
  EXPECT_EQ(*string_field(body, "s"), "x");
  EXPECT_FALSE(string_field(body, "n").ok());
  EXPECT_FALSE(optional_string_field(body, "n").ok());
  EXPECT_FALSE(optional_string_field(body, "zz")->has_value());
  EXPECT_TRUE(*bool_field(body, "b"));
  EXPECT_FALSE(bool_field(body, "s").ok());
  EXPECT_TRUE(*optional_bool_field(body, "zz", true));
}

TEST(Encode, ReplyRoundTripsThroughTheClientParser) {
  auto reply = parse_reply(payload_of(encode_reply(5, {{"offset", 12}})));
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply->id, 5u);
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->body["offset"], 12);
}

TEST(Encode, ErrorCarriesTheStableCodeAndTheMessage) {
  auto reply = parse_reply(payload_of(encode_error(3, make_error(Errc::not_found, "no such file"))));
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok);
  EXPECT_EQ(reply->error_code_name, "not_found");
  EXPECT_EQ(reply->error->code, Errc::not_found);
  EXPECT_EQ(reply->error->message, "no such file");
}

TEST(Encode, EventHasNoId) {
  auto reply = parse_reply(payload_of(encode_event("chat.message", {{"text", "hi"}})));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->event, "chat.message");
  EXPECT_EQ(reply->body["text"], "hi");
}

TEST(Encode, InvalidUtf8InAStringIsReplacedNotFatal) {
  auto frame = encode_reply(1, {{"name", std::string("bad\xff")}});
  EXPECT_TRUE(parse_reply(payload_of(frame)).ok());
}

TEST(Encode, RequestRoundTripsThroughTheServerParser) {
  Request request;
  ASSERT_TRUE(parse_request(payload_of(encode_request("list", 77, {{"path", "docs"}})), request).ok());
  EXPECT_EQ(request.op, "list");
  EXPECT_EQ(request.id, 77u);
}

}  // namespace
}  // namespace netdisk::protocol
