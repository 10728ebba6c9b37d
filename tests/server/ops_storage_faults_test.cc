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

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "protocol/encoded_fields.h"
#include "server/ops/op_table.h"
#include "server/ops/operation.h"
#include "server/ops/session.h"
#include "server/server_config.h"
#include "server/services.h"
#include "server/transfer/byte_ends.h"
#include "storage/checksum.h"
#include "storage/memory_space.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
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

// Runs `work` on `io` until it is done; run_blocking hops to the blocking pool and back, so the
// context must keep running (a work guard keeps run_one waiting) until the future is ready.
// The guard's release at the end stops the context, hence the restart.
template <typename T>
T run(asio::io_context& io, asio::awaitable<T> work) {
  io.restart();
  auto guard = asio::make_work_guard(io);
  auto done = asio::co_spawn(io, std::move(work), asio::use_future);
  while (done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
  return done.get();
}

class OpsStorageFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "ops-faults-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    data_dir_ = dir;
    ServerConfig cfg;
    cfg.data_dir = data_dir_;
    cfg.blocking_threads = 2;
    cfg.hash_threads = 1;
    auto backend = std::make_unique<storage::MemoryBackend>();
    backend_ = backend.get();
    backend_->create_space("alice");
    services_ = std::make_unique<Services>(cfg, std::move(backend));
    session_ = std::make_unique<ops::Session>(*services_, ops::Transport::tcp, "127.0.0.1", 1);
    session_->assume_user("alice");
  }
  void TearDown() override {
    session_.reset();
    services_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  OpResult call(std::string_view name, const json& body) {
    ops::OpCall op_call{*services_, *session_, body, 1};
    return run(io_, ops::dispatch(ops::find_op(name), name, op_call));
  }

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
    return run(io_, stream_in.finish(finish_call, std::move(received)));
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
    // The TCP list reply is JSON text (protocol/encoded_fields.h): parsed back here, into a
    // local (a temporary's member would not outlive the range-for's initializer).
    auto fields = protocol::decoded_fields(reply->fields);
    for (const auto& entry : fields.at("entries")) {
      if (entry.at("name") == name) return entry.at("size").get<std::int64_t>();
    }
    return -1;
  }

  std::filesystem::path data_dir_;
  asio::io_context io_;
  storage::MemoryBackend* backend_ = nullptr;
  std::unique_ptr<Services> services_;
  std::unique_ptr<ops::Session> session_;
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
