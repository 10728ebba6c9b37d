// Failing system calls, for real: netdiskd runs under `strace --inject`, which makes chosen
// write, fsync or rename calls fail with EIO. The client must get a clear error, a file whose
// fsync failed must never be renamed into place (checked in strace's own log), the previous
// version of the file or of users.xlsx stays intact, and the server goes on serving.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "storage/partial_uploads.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/helpers.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

// One blocking thread makes the order of a registration's fsyncs fixed (see below).
const std::vector<std::string> kServerArgs = {"--password-hash-memory", "1", "--password-hash-ops",
                                              "1", "--blocking-threads", "1"};

// strace as a wrapper: follow all threads, show descriptors' paths, trace `calls` and make
// `inject` fail with EIO. `paths` (-P) limits both to calls that touch those paths.
std::vector<std::string> strace(const fs::path& log, const std::string& calls,
                                const std::string& inject, const std::vector<std::string>& paths) {
  std::vector<std::string> args = {"strace", "-f",  "-qq", "-y", "-o", log.string(),
                                   "-e",     "trace=" + calls, "-e",
                                   "inject=" + inject + ":error=EIO"};
  for (const auto& path : paths) args.insert(args.end(), {"-P", path});
  args.push_back("--");
  return args;
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The index of the first line holding all of `needles`, or -1.
int find_line(const std::vector<std::string>& lines, const std::vector<std::string>& needles,
              std::size_t from = 0) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    bool all = true;
    for (const auto& needle : needles) all = all && lines[i].find(needle) != std::string::npos;
    if (all) return static_cast<int>(i);
  }
  return -1;
}

std::string joined(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const auto& line : lines) out << line << '\n';
  return out.str();
}

class SyscallFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(kServerArgs);
    create_user(*server_, "alice");
    auto alice = logged_in(*server_, "alice");
    ASSERT_TRUE(upload(alice, "doc.bin", v1_).ok);
  }
  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
  fs::path trace_log() const { return server_->work_dir() / "strace.log"; }
  // Restarts the server under strace, injecting EIO into `inject` calls on the partial file
  // of uploading v2_ to doc.bin (by absolute path, and by name for the *at calls).
  void restart_failing(const std::string& calls, const std::string& inject) {
    partial_ = storage::resumable_partial_name("doc.bin", v2_.size(), xxh3(v2_));
    server_->stop();
    server_->set_wrapper(strace(trace_log(), calls, inject, {(home() / partial_).string(), partial_}));
    server_->restart();
  }
  // After the failed upload: old version intact, and the server still lists, downloads and
  // accepts other uploads.
  void expect_old_version_and_service() {
    EXPECT_TRUE(read_file(home() / "doc.bin") == v1_);
    auto alice = logged_in(*server_, "alice");
    EXPECT_TRUE(alice.call("list", {{"path", ""}}).ok);
    EXPECT_TRUE(download(alice, "doc.bin").bytes == v1_);
    std::string other = random_bytes(300000, 3);
    ASSERT_TRUE(upload(alice, "other.bin", other).ok);
    EXPECT_TRUE(download(alice, "other.bin").bytes == other);
  }

  std::unique_ptr<ServerProcess> server_;
  std::string v1_ = random_bytes(1 << 20, 1), v2_ = random_bytes(2 << 20, 2);
  std::string partial_;
};

TEST_F(SyscallFaults, AFailedFsyncOfAnUploadIsReportedAndTheFileIsNeverRenamedIntoPlace) {
  restart_failing("fsync,fdatasync,rename,renameat,renameat2", "fsync,fdatasync");
  auto alice = logged_in(*server_, "alice");
  auto reply = upload(alice, "doc.bin", v2_);
  EXPECT_EQ(reply.error_code_name, "io_error");
  ASSERT_TRUE(reply.error.has_value());
  EXPECT_NE(reply.error->message.find("fsync"), std::string::npos) << reply.error->message;
  EXPECT_TRUE(reserved_entries(home()).empty()) << "the unsynced partial file was kept";
  expect_old_version_and_service();

  server_->stop();  // flushes strace's log
  auto lines = lines_of(trace_log());
  int failed = find_line(lines, {"fsync(", partial_, "EIO", "INJECTED"});
  ASSERT_GE(failed, 0) << "strace never failed the upload's fsync:\n" << joined(lines);
  EXPECT_EQ(find_line(lines, {"rename", partial_}, static_cast<std::size_t>(failed)), -1)
      << "renamed after a failed fsync:\n" << joined(lines);
}

TEST_F(SyscallFaults, AFailedWriteOfAnUploadIsReportedAndRemovesThePartialFile) {
  restart_failing("write,pwrite64,writev,pwritev,pwritev2", "write,pwrite64,writev,pwritev,pwritev2");
  auto alice = logged_in(*server_, "alice");
  auto reply = upload(alice, "doc.bin", v2_);
  EXPECT_EQ(reply.error_code_name, "io_error");
  EXPECT_TRUE(reserved_entries(home()).empty()) << "the partial file was kept";
  // The connection stayed in step: the rest of the stream was read and dropped.
  EXPECT_TRUE(alice.call("ping").ok);
  expect_old_version_and_service();
  server_->stop();
  EXPECT_GE(find_line(lines_of(trace_log()), {partial_, "EIO", "INJECTED"}), 0);
}

TEST_F(SyscallFaults, AFailedRenameOfAnUploadIsReportedAndTheUploadSucceedsWhenRetried) {
  restart_failing("rename,renameat,renameat2", "rename,renameat,renameat2");
  auto alice = logged_in(*server_, "alice");
  auto reply = upload(alice, "doc.bin", v2_);
  EXPECT_EQ(reply.error_code_name, "io_error");
  expect_old_version_and_service();
  server_->stop();
  EXPECT_GE(find_line(lines_of(trace_log()), {"rename", partial_, "EIO", "INJECTED"}), 0);

  server_->set_wrapper({});
  server_->restart();
  auto again = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(again, "doc.bin", v2_).ok);
  EXPECT_TRUE(download(again, "doc.bin").bytes == v2_);
  EXPECT_TRUE(reserved_entries(home()).empty());
}

TEST_F(SyscallFaults, AFailedFsyncOfTheWorkbookRefusesTheRegistrationAndKeepsTheOldWorkbook) {
  fs::path workbook = server_->data_dir() / "users.xlsx";
  server_->stop();  // writes alice's pending last-login time
  std::string before = read_file(workbook);
  // With one blocking thread, a registration's fsyncs are: the new home folder, then the
  // temporary workbook, then the data folder; the second one fails. The log below shows
  // that it was the workbook's.
  server_->set_wrapper(strace(trace_log(), "fsync,fdatasync,rename,renameat,renameat2",
                              "fsync:when=2", {}));
  server_->restart();

  client::WireConnection connection(server_->port());
  connection.hello();
  auto reply = connection.call("register", {{"username", "bob"}, {"password", kTestPassword}});
  EXPECT_EQ(reply.error_code_name, "io_error");
  EXPECT_TRUE(read_file(workbook) == before) << "users.xlsx changed after a failed fsync";
  EXPECT_EQ(workbook_users(workbook), (std::set<std::string>{"alice"}));
  EXPECT_TRUE(reserved_entries(server_->data_dir()).empty()) << "the temporary workbook was kept";
  EXPECT_THROW(logged_in(*server_, "bob"), std::runtime_error);

  // The next registration (the same name) works and is on disk.
  reply = connection.call("register", {{"username", "bob"}, {"password", kTestPassword}});
  EXPECT_TRUE(reply.ok) << reply.error_code_name;
  EXPECT_NO_THROW(logged_in(*server_, "bob"));
  EXPECT_EQ(workbook_users(workbook), (std::set<std::string>{"alice", "bob"}));

  server_->stop();
  auto lines = lines_of(trace_log());
  int failed = find_line(lines, {"fsync(", ".netdisk-tmp.", "EIO", "INJECTED"});
  ASSERT_GE(failed, 0) << "the injected fsync did not hit the temporary workbook:\n"
                       << joined(lines);
  std::string temp = lines[static_cast<std::size_t>(failed)];
  temp = temp.substr(temp.find(".netdisk-tmp."));
  temp = temp.substr(0, temp.find('>'));
  EXPECT_EQ(find_line(lines, {"rename", temp}, static_cast<std::size_t>(failed)), -1)
      << "renamed after a failed fsync:\n" << joined(lines);
}

}  // namespace
}  // namespace netdisk::e2e
