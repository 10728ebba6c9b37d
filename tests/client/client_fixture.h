// ClientTest: a fresh netdiskd with the user alice registered and logged in through the real
// netdisk (the saved login lives in the test's own config folder), plus helpers to run the
// client, make local files and look at what the server stored. One test at a time.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/client/child_process.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {

inline constexpr const char* kUser = "alice";
inline constexpr const char* kPassword = "alice's password";

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Runs netdisk with --server and the test's config folder, as a script would (no terminal),
  // with `stdin_text` as its input.
  CliResult netdisk(std::vector<std::string> args, Env env = {},
                    const std::string& stdin_text = {});
  // The full command line, for ChildProcess and PtyProcess.
  std::vector<std::string> argv(std::vector<std::string> args) const;
  // The environment every client of this test gets.
  Env env(Env extra = {}) const;

  std::filesystem::path local(const std::string& name) const { return local_dir_ / name; }
  std::filesystem::path local_dir() const { return local_dir_; }
  // Where the server keeps alice's files.
  std::filesystem::path home() const { return server_.data_dir() / "home" / kUser; }
  // The server's current version tag of a remote file (asked with `stat`).
  std::string remote_version(const std::string& path);
  // Runs `args` on a pseudo-terminal, answering `question` with `answer`; expects the question
  // to be asked and the command to succeed. Returns the transcript.
  std::string run_answering(std::vector<std::string> args, const std::string& question,
                            const std::string& answer);

  ServerProcess server_;
  std::filesystem::path local_dir_;
};

// read_file and write_file (tests/e2e/helpers.h) under the names the client tests use.
inline std::string read_bytes(const std::filesystem::path& path) { return read_file(path); }
inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  write_file(path, bytes);
}
// A file of `size` bytes, mostly a hole, with random blocks spread through it.
void make_sparse_file(const std::filesystem::path& path, std::uint64_t size, std::uint32_t seed);
// `cmp` of two files: true when they hold the same bytes.
bool same_bytes(const std::filesystem::path& a, const std::filesystem::path& b);
std::uint64_t file_size_or_zero(const std::filesystem::path& path);
// Waits (up to 30 s) until `path` holds at least `bytes`; false on timeout.
bool wait_for_size(const std::filesystem::path& path, std::uint64_t bytes);

}  // namespace netdisk::e2e
