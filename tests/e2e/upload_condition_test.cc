// End-to-end tests of the TCP upload's optional condition (docs/PROTOCOL.md, section 8):
// `if_version` replaces only the version the client saw, `if_absent` only creates, both checked
// when the upload is announced and again, atomically, when it commits; a refusal is
// precondition_failed and leaves the file as it was. Raw protocol frames against netdiskd.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client/wire_connection.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
using client::WireConnection;

class UploadCondition : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(kCheapHashing);
    create_user(*server_, "alice");
  }
  std::string version_of(WireConnection& connection, const std::string& path) {
    auto stat = connection.call("stat", {{"path", path}});
    EXPECT_TRUE(stat.ok) << path;
    return stat.ok ? stat.body["version"].get<std::string>() : "";
  }
  std::string content_of(WireConnection& connection, const std::string& path) {
    auto got = download(connection, path);
    EXPECT_TRUE(got.reply.ok) << path;
    return got.bytes;
  }
  // `upload` with `condition` and then the whole file; the refusal or the last reply.
  protocol::Reply conditional_upload(WireConnection& connection, const std::string& path,
                                     const std::string& data, json condition) {
    condition["path"] = path;
    condition["size"] = data.size();
    auto started = connection.call("upload", condition);
    if (!started.ok) return started;
    connection.send("upload.data", {{"stream", data.size()}});
    connection.send_raw(data);
    auto done = connection.receive();
    if (!done) throw std::runtime_error("the server closed the connection");
    return *done;
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(UploadCondition, IfVersionReplacesOnlyTheVersionTheClientSaw) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "doc.txt", "first").ok);
  auto first = version_of(alice, "doc.txt");
  auto replaced = conditional_upload(alice, "doc.txt", "second", {{"if_version", first}});
  ASSERT_TRUE(replaced.ok) << replaced.error->message;
  EXPECT_EQ(content_of(alice, "doc.txt"), "second");
  EXPECT_NE(replaced.body["version"], first);
  // The version the client holds is stale now: refused when announced, nothing changes.
  auto stale = alice.call("upload", {{"path", "doc.txt"}, {"size", 5}, {"if_version", first}});
  EXPECT_FALSE(stale.ok);
  EXPECT_EQ(stale.error_code_name, "precondition_failed");
  EXPECT_EQ(content_of(alice, "doc.txt"), "second");
  // ... and if_version of a file that is not there fails the same way.
  auto missing = alice.call("upload", {{"path", "nope.txt"}, {"size", 1}, {"if_version", first}});
  EXPECT_EQ(missing.error_code_name, "precondition_failed");
}

TEST_F(UploadCondition, AFileReplacedDuringTheUploadIsNotOverwrittenAtCommit) {
  auto alice = logged_in(*server_, "alice");
  auto other = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "shared.txt", "base").ok);
  auto base = version_of(alice, "shared.txt");
  // alice announces her replacement of `base`...
  auto started = alice.call("upload", {{"path", "shared.txt"}, {"size", 5}, {"if_version", base}});
  ASSERT_TRUE(started.ok);
  // ... another client replaces the file before her bytes arrive ...
  ASSERT_TRUE(upload(other, "shared.txt", "theirs").ok);
  alice.send("upload.data", {{"stream", 5}});
  alice.send_raw("alice");
  auto done = alice.receive();
  ASSERT_TRUE(done);
  // ... so her commit is refused and their version stays.
  EXPECT_FALSE(done->ok);
  EXPECT_EQ(done->error_code_name, "precondition_failed");
  EXPECT_EQ(content_of(alice, "shared.txt"), "theirs");
  EXPECT_TRUE(reserved_entries(server_->data_dir() / "home" / "alice").empty());
  // The connection is still usable.
  EXPECT_TRUE(alice.call("ping").ok);
}

TEST_F(UploadCondition, IfAbsentCreatesButNeverReplaces) {
  auto alice = logged_in(*server_, "alice");
  auto other = logged_in(*server_, "alice");
  auto created = conditional_upload(alice, "new.txt", "mine", {{"if_absent", true}});
  ASSERT_TRUE(created.ok) << created.error->message;
  auto again = alice.call("upload", {{"path", "new.txt"}, {"size", 3}, {"if_absent", true}});
  EXPECT_EQ(again.error_code_name, "precondition_failed");
  // A name taken between the announcement and the commit is not overwritten either.
  auto started = alice.call("upload", {{"path", "race.txt"}, {"size", 4}, {"if_absent", true}});
  ASSERT_TRUE(started.ok);
  ASSERT_TRUE(upload(other, "race.txt", "first").ok);
  alice.send("upload.data", {{"stream", 4}});
  alice.send_raw("late");
  auto done = alice.receive();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->error_code_name, "precondition_failed");
  EXPECT_EQ(content_of(alice, "race.txt"), "first");
}

TEST_F(UploadCondition, BothConditionsOrWrongTypesAreBadRequest) {
  auto alice = logged_in(*server_, "alice");
  auto both =
      alice.call("upload", {{"path", "x"}, {"size", 1}, {"if_version", "v"}, {"if_absent", true}});
  EXPECT_EQ(both.error_code_name, "bad_request");
  auto number = alice.call("upload", {{"path", "x"}, {"size", 1}, {"if_version", 7}});
  EXPECT_EQ(number.error_code_name, "bad_request");
  auto text = alice.call("upload", {{"path", "x"}, {"size", 1}, {"if_absent", "yes"}});
  EXPECT_EQ(text.error_code_name, "bad_request");
}

}  // namespace
}  // namespace netdisk::e2e
