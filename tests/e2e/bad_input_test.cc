// End-to-end tests of hostile input on the TCP protocol against the real netdiskd, for the rows
// of docs/SECURITY.md that core_test and files_test do not cover: raw streams no handler reads,
// wrongly typed and overflowing fields of the file ops, resume offsets at and around the ends,
// streams cut by FIN or RST, look-alike Unicode names, hostile login names, and every op tried
// before login. Each test also checks that the server keeps serving a well-behaved client.
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "protocol/frame.h"
#include "protocol/message.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
using client::WireConnection;
namespace fs = std::filesystem;

// A frame with the exact JSON text given (numbers json cannot hold, such as 2^64).
std::string raw_frame(std::string_view payload) { return protocol::encode_frame(payload); }

void expect_serving(WireConnection& connection) {
  auto reply = connection.call("ping");
  EXPECT_TRUE(reply.ok) << reply.error_code_name;
}

// Cuts a connection with a reset instead of a FIN.
void reset(WireConnection& connection) {
  linger hard{1, 0};
  ::setsockopt(connection.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  connection.close();
}

class TcpBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(kCheapHashing);
    create_user(*server_, "alice");
    create_user(*server_, "bob");
  }
  fs::path home(const std::string& user) const { return server_->data_dir() / "home" / user; }

  std::unique_ptr<ServerProcess> server_;
};

// Regression: the server used to ignore the stream of any request but upload.data, so the
// stream's bytes were decoded as the next frames, and a file's content ran as requests.
TEST_F(TcpBadInput, AStreamDeclaredOnAnOpThatTakesNoneIsSkippedNotRunAsRequests) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "keep.txt", "precious").ok);
  std::string smuggled = protocol::encode_request("remove", 900, {{"path", "keep.txt"}});
  for (const char* op : {"ping", "stat", "no.such.op"}) {
    SCOPED_TRACE(op);
    alice.send(op, {{"path", "keep.txt"}, {"stream", smuggled.size()}});
    alice.send_raw(smuggled);
    auto reply = alice.receive();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->error_code_name, std::string(op) == "no.such.op" ? "unknown_op" : "bad_request");
    expect_serving(alice);
  }
  EXPECT_EQ(read_file(home("alice") / "keep.txt"), "precious");
}

TEST_F(TcpBadInput, UploadDataBeforeLoginHasItsStreamSkippedAndRunsNothing) {
  auto anonymous = greeted(*server_);
  std::string smuggled = protocol::encode_request(
      "register", 900, {{"username", "mallory"}, {"password", "password1"}});
  anonymous.send("upload.data", {{"stream", smuggled.size()}});
  anonymous.send_raw(smuggled);
  auto reply = anonymous.receive();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "not_logged_in");
  expect_serving(anonymous);
  EXPECT_FALSE(fs::exists(home("mallory"))) << "the stream ran as a register request";
}

TEST_F(TcpBadInput, ARequestWithABadEnvelopeStillHasItsStreamSkipped) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "keep.txt", "precious").ok);
  std::string smuggled = protocol::encode_request("remove", 900, {{"path", "keep.txt"}});
  alice.send_raw(raw_frame(R"({"op":"ping","id":-1,"stream":)" +
                           std::to_string(smuggled.size()) + "}") +
                 smuggled);
  auto reply = alice.receive();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->error_code_name, "bad_request");
  expect_serving(alice);
  EXPECT_EQ(read_file(home("alice") / "keep.txt"), "precious");
}

TEST_F(TcpBadInput, AStreamLengthThatIsNotALengthClosesOnlyThatConnection) {
  auto bystander = logged_in(*server_, "bob");
  for (std::string length : {"-1", "1e30", "18446744073709551616", "\"10\"", "1.5"}) {
    SCOPED_TRACE(length);
    for (std::string op : {"ping", "upload.data"}) {
      auto alice = logged_in(*server_, "alice");
      alice.send_raw(raw_frame(R"({"op":")" + op + R"(","id":5,"stream":)" + length + "}"));
      auto reply = alice.receive();
      ASSERT_TRUE(reply.has_value()) << op;
      EXPECT_EQ(reply->error_code_name, "size_mismatch") << op;
      EXPECT_TRUE(alice.closed_by_server()) << op;
    }
  }
  expect_serving(bystander);
}

TEST_F(TcpBadInput, WrongTypesAndOutOfRangeNumbersInFileOpsAreBadRequestsNamingTheField) {
  auto alice = logged_in(*server_, "alice");
  auto bystander = logged_in(*server_, "bob");
  ASSERT_TRUE(upload(alice, "f.txt", "0123456789").ok);
  const std::vector<std::string> bad_numbers = {"-1",  "1e30", "18446744073709551616",
                                                "1.5", "-0",   "9223372036854775808",
                                                "\"10\"", "true", "null", "[1]", "{}"};
  struct Case {
    std::string op;
    std::string field;
    std::string rest;  // the other fields, valid
  };
  const std::vector<Case> number_fields = {
      {"upload", "size", R"("path":"n.txt")"},
      {"download", "offset", R"("path":"f.txt","version":"v","prefix_checksum":"c")"},
  };
  for (const auto& field : number_fields) {
    for (const auto& value : bad_numbers) {
      if (value == "null" && field.field == "offset") continue;  // offset is optional
      SCOPED_TRACE(field.op + " " + field.field + "=" + value);
      alice.send_raw(raw_frame(R"({"op":")" + field.op + R"(","id":7,)" + field.rest + R"(,")" +
                               field.field + R"(":)" + value + "}"));
      auto reply = alice.receive();
      ASSERT_TRUE(reply.has_value());
      EXPECT_EQ(reply->error_code_name, "bad_request");
      EXPECT_NE(reply->error->message.find(field.field), std::string::npos) << reply->error->message;
    }
  }
  const std::vector<std::pair<std::string, std::string>> string_fields = {
      {"stat", "path"},     {"list", "path"},     {"remove", "path"}, {"mkdir", "path"},
      {"checksum", "path"}, {"download", "path"}, {"rename", "from"}, {"rename", "to"},
      {"upload", "path"},   {"upload", "checksum"}, {"download", "version"}};
  for (const auto& [op, field] : string_fields) {
    for (std::string value : {"42", "true", "[\"f.txt\"]", "{\"a\":1}"}) {
      SCOPED_TRACE(op + " " + field + "=" + value);
      json fields = {{"path", "f.txt"}, {"from", "f.txt"}, {"to", "g.txt"}, {"size", 1},
                     {"offset", 1},     {"version", "v"},  {"prefix_checksum", "c"}};
      fields[field] = json::parse(value);
      auto reply = alice.call(op, fields);
      EXPECT_EQ(reply.error_code_name, "bad_request");
      EXPECT_NE(reply.error->message.find(field), std::string::npos) << reply.error->message;
    }
  }
  EXPECT_EQ(alice.call("mkdir", {{"path", "d"}, {"parents", "yes"}}).error_code_name,
            "bad_request");
  expect_serving(alice);
  expect_serving(bystander);
  EXPECT_EQ(names_in(home("alice")), std::vector<std::string>{"f.txt"});
}

TEST_F(TcpBadInput, SizesAndOffsetsNearTheTopOfTheRangeNeverWrapAround) {
  auto alice = logged_in(*server_, "alice");
  std::string data = "0123456789";
  ASSERT_TRUE(upload(alice, "f.txt", data).ok);
  std::string version = download(alice, "f.txt").reply.body["version"];

  // The largest size the wire allows is refused for want of space, never by an overflow.
  auto largest = alice.call("upload", {{"path", "huge.bin"}, {"size", (1ull << 63) - 1}});
  EXPECT_EQ(largest.error_code_name, "disk_full");
  // An offset whose sum with the file size would wrap.
  auto far = download(alice, "f.txt",
                      {{"offset", (1ull << 63) - 1}, {"version", version},
                       {"prefix_checksum", xxh3(data)}});
  EXPECT_EQ(far.reply.error_code_name, "offset_out_of_range");
  // A stream longer than the upload still expects, by far.
  ASSERT_TRUE(alice.call("upload", {{"path", "g.txt"}, {"size", 10}}).ok);
  alice.send("upload.data", {{"stream", 4}});
  alice.send_raw("abcd");
  auto part = alice.receive();
  ASSERT_TRUE(part && part->ok);
  EXPECT_EQ(part->body["offset"], 4);
  alice.send_raw(raw_frame(R"({"op":"upload.data","id":90,"stream":18446744073709551615})"));
  auto wrapped = alice.receive();
  ASSERT_TRUE(wrapped.has_value());
  EXPECT_EQ(wrapped->error_code_name, "size_mismatch");
  EXPECT_TRUE(alice.closed_by_server());

  auto again = logged_in(*server_, "alice");
  EXPECT_TRUE(download(again, "f.txt").bytes == data);
  EXPECT_EQ(again.call("stat", {{"path", "g.txt"}}).error_code_name, "not_found");
}

TEST_F(TcpBadInput, ResumeOffsetsAtPastAndBeforeTheEndsOfAFile) {
  auto alice = logged_in(*server_, "alice");
  std::string data = random_bytes(5000, 1);
  ASSERT_TRUE(upload(alice, "f.bin", data).ok);
  std::string version = download(alice, "f.bin").reply.body["version"];
  auto at = [&](std::uint64_t offset) {
    return download(alice, "f.bin", {{"offset", offset}, {"version", version},
                                     {"prefix_checksum", xxh3(data.substr(0, offset))}});
  };
  auto at_start = download(alice, "f.bin", {{"offset", 0}});
  EXPECT_TRUE(at_start.reply.ok);
  EXPECT_TRUE(at_start.bytes == data);
  auto at_end = at(data.size());
  ASSERT_TRUE(at_end.reply.ok);
  EXPECT_EQ(at_end.reply.body["stream"], 0);
  EXPECT_TRUE(at_end.bytes.empty());
  EXPECT_EQ(at(data.size() + 1).reply.error_code_name, "offset_out_of_range");
  EXPECT_EQ(download(alice, "f.bin", {{"offset", -1}}).reply.error_code_name, "bad_request");
  // An empty file: 0 is its end, 1 is past it.
  ASSERT_TRUE(upload(alice, "empty", "").ok);
  std::string empty_version = download(alice, "empty").reply.body["version"];
  EXPECT_TRUE(download(alice, "empty", {{"offset", 0}}).reply.ok);
  EXPECT_EQ(download(alice, "empty", {{"offset", 1}, {"version", empty_version},
                                      {"prefix_checksum", xxh3("x")}})
                .reply.error_code_name,
            "offset_out_of_range");
  expect_serving(alice);
}

TEST_F(TcpBadInput, AHeaderCutByResetAndUploadStreamsCutByFinOrResetLeaveNothingHalfDone) {
  auto bystander = logged_in(*server_, "bob");
  {
    auto half_header = greeted(*server_);
    half_header.send_raw(std::string("\0\0", 2));
    reset(half_header);
  }
  std::string data = random_bytes(1 << 20, 2);
  for (bool with_reset : {false, true}) {
    SCOPED_TRACE(with_reset ? "reset" : "fin");
    auto alice = logged_in(*server_, "alice");
    ASSERT_TRUE(upload(alice, "doc.bin", "old version").ok);
    ASSERT_TRUE(alice.call("upload", {{"path", "doc.bin"}, {"size", data.size()}}).ok);
    alice.send("upload.data", {{"stream", data.size()}});
    alice.send_raw(std::string_view(data).substr(0, data.size() / 2));
    if (with_reset) {
      reset(alice);
    } else {
      ::shutdown(alice.fd(), SHUT_WR);
      auto reply = alice.receive();
      ASSERT_TRUE(reply.has_value());
      EXPECT_EQ(reply->error_code_name, "size_mismatch");
    }
  }
  auto alice = logged_in(*server_, "alice");
  EXPECT_EQ(download(alice, "doc.bin").bytes, "old version");
  auto listing = alice.call("list", {{"path", ""}});
  ASSERT_EQ(listing.body["entries"].size(), 1u) << listing.body.dump();
  ASSERT_TRUE(upload(alice, "doc.bin", data).ok);
  EXPECT_TRUE(read_file(home("alice") / "doc.bin") == data);
  expect_serving(bystander);
}

TEST_F(TcpBadInput, LookAlikeAndDecomposedUnicodeNamesAreDistinctFilesInsideTheFolder) {
  auto alice = logged_in(*server_, "alice");
  const std::vector<std::string> names = {
      "caf\xc3\xa9",                     // é precomposed (NFC)
      "cafe\xcc\x81",                    // e + combining acute (NFD)
      "\xef\xbc\x8e\xef\xbc\x8e",        // two FULLWIDTH FULL STOPs, not ".."
      "\xe2\x80\xa4\xe2\x80\xa4",        // two ONE DOT LEADERs
      "a\xe2\x88\x95" "b",               // DIVISION SLASH, not a separator
      "\xd0\xb0lice",                    // Cyrillic a + "lice", not "alice"
      "\xe2\x80\xaegnp.exe",             // RIGHT-TO-LEFT OVERRIDE
  };
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto done = upload(alice, names[i], "content " + std::to_string(i));
    ASSERT_TRUE(done.ok) << i << ": " << done.error->message;
  }
  auto listing = alice.call("list", {{"path", ""}});
  ASSERT_TRUE(listing.ok);
  std::vector<std::string> listed;
  for (const auto& entry : listing.body["entries"]) listed.push_back(entry["name"]);
  auto expected = names;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed, expected) << "each name is kept byte for byte, none folded onto another";
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(download(alice, names[i]).bytes, "content " + std::to_string(i)) << i;
  }
  // A look-alike of ".." is an ordinary missing folder, not the parent.
  EXPECT_EQ(alice.call("list", {{"path", "\xef\xbc\x8e\xef\xbc\x8e/bob"}}).error_code_name,
            "not_a_directory");
  EXPECT_EQ(alice.call("stat", {{"path", "\xe2\x80\xa4\xe2\x80\xa4/bob"}}).error_code_name,
            "not_a_directory");
  EXPECT_TRUE(fs::is_empty(home("bob")));
  EXPECT_EQ(names_in(server_->data_dir() / "home"), (std::vector<std::string>{"alice", "bob"}));
}

TEST_F(TcpBadInput, HostileLoginNamesAreRefusedAndLoggedOnlyInEscapedForm) {
  auto connection = greeted(*server_);
  const std::vector<std::string> names = {
      "alice\nFAKE-LINE conn#1 logged in as root", std::string("bob\0admin", 9),
      "\x1b[2J\x1b[31mred", "=HYPERLINK(\"http://x\")", std::string(1000000, 'u')};
  for (const auto& name : names) {
    auto reply = connection.call("login", {{"username", name}, {"password", "password1"}});
    EXPECT_EQ(reply.error_code_name, "auth_failed");
  }
  expect_serving(connection);
  auto log = server_->log();
  EXPECT_EQ(log.find("\nFAKE-LINE"), std::string::npos) << "a name forged a log line";
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << "a name wrote a terminal escape to the log";
  EXPECT_NE(log.find("FAKE-LINE"), std::string::npos) << "the failure is logged, escaped";
  EXPECT_EQ(log.find(std::string(100, 'u')), std::string::npos) << "a huge name is clipped";
  EXPECT_NE(log.find("(clipped, 1000000 bytes)"), std::string::npos);
}

TEST_F(TcpBadInput, EveryOpThatNeedsAnAccountIsRefusedBeforeLoginAndTouchesNothing) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "f.txt", "mine").ok);
  auto anonymous = greeted(*server_);
  const json fields = {{"path", "f.txt"}, {"from", "f.txt"}, {"to", "g.txt"}, {"size", 1},
                       {"text", "hi"}};
  for (const char* op : {"logout", "whoami", "list", "stat", "mkdir", "remove", "rename",
                         "checksum", "upload", "download", "chat.join", "chat.send",
                         "chat.private", "chat.who", "chat.leave", "chat.history"}) {
    EXPECT_EQ(anonymous.call(op, fields).error_code_name, "not_logged_in") << op;
  }
  anonymous.send("upload.data", {{"stream", 3}});
  anonymous.send_raw("abc");
  EXPECT_EQ(anonymous.receive()->error_code_name, "not_logged_in");
  expect_serving(anonymous);
  EXPECT_EQ(names_in(home("alice")), std::vector<std::string>{"f.txt"});
  EXPECT_EQ(read_file(home("alice") / "f.txt"), "mine");
}

}  // namespace
}  // namespace netdisk::e2e
