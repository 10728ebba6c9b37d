// What an upload in progress costs the server in memory, against the real netdiskd. The
// transfer engine receives in 1 MiB chunks, two buffers per upload; their pages must be
// touched only as bytes arrive, so many slow uploads that have sent little hold little
// (docs/BENCHMARKS.md, "Levers (issue #17)"). Memory is the server's VmRSS.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/tcp_state.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

// Bytes waiting unread in the server's end of the loopback connection `fd`; -1 if it is gone.
long server_unread_bytes(int fd) {
  auto end = server_end(fd);
  return end ? end->unread_bytes : -1;
}

// Sends `bytes` on every connection, then waits until the server has read all of them.
void send_to_all(std::vector<client::WireConnection>& connections, const std::string& bytes) {
  for (auto& connection : connections) connection.send_raw(bytes);
  ASSERT_TRUE(wait_until([&] {
    for (auto& connection : connections) {
      if (server_unread_bytes(connection.fd()) != 0) return false;
    }
    return true;
  })) << "the server did not read what the uploads sent";
}

TEST(UploadMemory, ManyUploadsThatSentLittleHoldLittleMemory) {
  constexpr int kUploads = 32;
  constexpr std::uint64_t kDeclared = 8 * 1024 * 1024;  // several 1 MiB chunks
  ServerProcess server({"--password-hash-memory", "1", "--password-hash-ops", "1"});
  create_user(server, "alice");
  std::vector<client::WireConnection> connections;
  for (int i = 0; i < kUploads; ++i) {
    connections.push_back(logged_in(server, "alice"));
    auto begun = connections.back().call(
        "upload", {{"path", "slow" + std::to_string(i) + ".bin"}, {"size", kDeclared}});
    ASSERT_TRUE(begun.ok) << begun.error_code_name;
  }
  long before = status_kib(server.pid(), "VmRSS");
  for (auto& connection : connections) connection.send("upload.data", {{"stream", kDeclared}});
  // Two rounds of 4 KiB: the first may be read with the frame, the second can only be read
  // by the transfer engine into its chunk buffer, so every upload's buffers exist by then.
  auto piece = random_bytes(4096, 7);
  send_to_all(connections, piece);
  send_to_all(connections, piece);
  long after = status_kib(server.pid(), "VmRSS");
  ASSERT_GT(before, 0);
  // Zeroed buffers cost 2 MiB per upload (64 MiB here); touched as bytes arrive, a few KiB.
  EXPECT_LT(after - before, kUploads * 512) << "the server grew by " << (after - before)
                                            << " KiB for " << kUploads << " uploads of 8 KiB";
}

}  // namespace
}  // namespace netdisk::e2e
