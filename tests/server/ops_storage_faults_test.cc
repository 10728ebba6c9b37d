// Storage faults through the operation layer, in process and without sockets: the ops run over
// the in-memory backend (storage/memory_space.h) with faults armed in its FaultPlan, and the
// bytes move as a transport would move them (transfer/byte_ends.h). Each fault must reach the
// caller as the right typed wire error, and lose nothing: the old file stays listed and readable.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/transfer/byte_ends.h"
#include "storage/checksum.h"
#include "ops_harness.h"

namespace netdisk::server {
namespace {

using json = nlohmann::json;
using ops::OpResult;

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

std::string xxh3_of(std::string_view text) {
  storage::Xxh3Hasher hasher;
  hasher.update(bytes_of(text));
  return hasher.hex_digest();
}

class OpsStorageFaults : public test::OpsTest {
 protected:
  // An upload as the TCP transport does it: "upload", then one "upload.data" whose bytes go
  // into the sink in 4-byte chunks, stopping at the first error, then the stream's finish.
  // `arm` runs after the upload began (write faults count from there).
  OpResult upload(std::string_view path, std::string_view content, bool resumable = false,
                  const std::function<void()>& arm = {}) {
    json begin = {{"path", path}, {"size", content.size()}};
    if (resumable) begin["checksum"] = xxh3_of(content);
    auto started = call("upload", begin);
    if (!started) return started;
    std::uint64_t offset = started->fields.at("offset").get<std::uint64_t>();
    if (arm) arm();
    std::string_view rest = content.substr(offset);
    auto data = call("upload.data", json{{"stream", rest.size()}});
    if (!data) return data;
    EXPECT_TRUE(data->stream_in.has_value());
    auto& stream_in = *data->stream_in;
    transfer::UploadTarget target(*stream_in.sink);
    Status received;
    for (std::size_t at = 0; at < rest.size() && received.ok(); at += 4) {
      received = target.write(bytes_of(rest.substr(at, 4)));
    }
    json none = json::object();
    ops::OpCall finish_call{*services_, *session_, none, 2};
    return test::run(io_, stream_in.finish(finish_call, std::move(received)));
  }

  // The whole file as "download" streams it.
  std::string download(std::string_view path) {
    auto reply = call("download", json{{"path", path}});
    EXPECT_TRUE(reply.ok()) << (reply ? "" : reply.error().message);
    if (!reply || !reply->stream_out) return "<no stream>";
    auto& out = *reply->stream_out;
    std::string bytes(out.length, '\0');
    transfer::FileSource source(*out.file);
    auto read = source.read_exactly_at(
        out.offset, std::as_writable_bytes(std::span(bytes.data(), bytes.size())));
    EXPECT_TRUE(read.ok()) << (read ? "" : read.error().message);
    return bytes;
  }

  // The size "list" reports for `name` at the top of the space; -1 if it is not listed.
  std::int64_t listed_size(std::string_view name) {
    auto reply = call("list", json::object());
    EXPECT_TRUE(reply.ok());
    if (!reply) return -1;
    EXPECT_TRUE(reply->listing.has_value());
    if (!reply->listing) return -1;
    for (const auto& entry : reply->listing->entries) {
      if (entry.name == name) return static_cast<std::int64_t>(entry.size);
    }
    return -1;
  }
};

TEST_F(OpsStorageFaults, NoSpaceMidUploadIsDiskFullAndTheOldFileStays) {
  ASSERT_TRUE(upload("f", "old bytes").ok());
  auto failed = upload("f", "new content, longer", false,
                       [&] { backend_->faults().fail_write(2, storage::StorageErrc::no_space); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Errc::disk_full) << failed.error().message;
  EXPECT_FALSE(session_->upload().has_value());
  EXPECT_EQ(listed_size("f"), 9);
  EXPECT_EQ(download("f"), "old bytes");
}

TEST_F(OpsStorageFaults, ACrashBeforeTheRenameKeepsTheOldFileAndTheUploadResumes) {
  ASSERT_TRUE(upload("f", "old bytes").ok());
  std::string content = "the new version";
  auto crashed = upload("f", content, true, [&] { backend_->faults().crash_before_publish(); });
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.error().code, Errc::io_error) << crashed.error().message;
  EXPECT_EQ(download("f"), "old bytes");

  // The same upload again finds its durable bytes and publishes them.
  auto again =
      call("upload", json{{"path", "f"}, {"size", content.size()}, {"checksum", xxh3_of(content)}});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_GT(again->fields.at("offset").get<std::uint64_t>(), 0u);
  auto resumed = upload("f", content, true);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->fields.at("done"), true);
  EXPECT_EQ(download("f"), content);
}

TEST_F(OpsStorageFaults, AFailedListingIsIoErrorThatNamesNoServerPath) {
  ASSERT_TRUE(upload("f", "bytes").ok());
  backend_->faults().fail_list();
  auto listed = call("list", json::object());
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, Errc::io_error);
  EXPECT_EQ(listed.error().message.find(data_dir_.string()), std::string::npos)
      << listed.error().message;
  EXPECT_EQ(listed_size("f"), 5);  // the fault fired once
}

TEST_F(OpsStorageFaults, AFailedReadDuringADownloadIsIoError) {
  ASSERT_TRUE(upload("f", "some bytes").ok());
  auto reply = call("download", json{{"path", "f"}});
  ASSERT_TRUE(reply.ok() && reply->stream_out);
  backend_->faults().fail_read();
  std::string bytes(reply->stream_out->length, '\0');
  transfer::FileSource source(*reply->stream_out->file);
  auto read =
      source.read_exactly_at(0, std::as_writable_bytes(std::span(bytes.data(), bytes.size())));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, Errc::io_error);
  EXPECT_EQ(read.error().message.find(data_dir_.string()), std::string::npos);
  EXPECT_EQ(download("f"), "some bytes");  // the next read works
}

}  // namespace
}  // namespace netdisk::server
