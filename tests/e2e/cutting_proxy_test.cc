// A hostile network between the real netdisk and netdiskd: a proxy in the test (tcp_chopper.h)
// forwards every byte in pieces of 1..7 bytes with random pauses, or cuts the connection in
// the middle of a transfer. Control operations and transfers must still give identical bytes,
// and a cut download or upload must resume (`get --resume`, `put --resume`) to identical bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "client/transfer/partial_download.h"
#include "tests/client/client_fixture.h"
#include "tests/e2e/tcp_chopper.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CuttingProxy : public ClientTest {
 protected:
  // netdisk through `proxy`, logging in as alice for the one command.
  CliResult through(const ChoppingProxy& proxy, std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--server", "127.0.0.1:" + std::to_string(proxy.port()), "--user", kUser});
    return run_netdisk(args, env({{"NETDISK_PASSWORD", kPassword}}));
  }
  static ChoppingProxy::Options pieces(std::size_t max_piece) {
    ChoppingProxy::Options options;
    options.max_piece = max_piece;
    options.max_pause = 200us;
    return options;
  }
};

TEST_F(CuttingProxy, ControlOpsAndTransfersCutIntoTinyPiecesCompleteWithIdenticalBytes) {
  ChoppingProxy proxy(server_.port(), pieces(7));
  std::string bytes = random_bytes(300 * 1024 + 17, 5);
  write_bytes(local("f.orig"), bytes);

  EXPECT_EQ(through(proxy, {"ping"}).exit_code, 0);
  EXPECT_EQ(through(proxy, {"mkdir", "docs"}).exit_code, 0);
  auto put = through(proxy, {"put", "-q", local("f.orig"), "docs/f"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(read_bytes(home() / "docs" / "f"), bytes);
  auto listing = through(proxy, {"ls", "docs"});
  EXPECT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_NE(listing.out.find("f"), std::string::npos) << listing.out;
  auto get = through(proxy, {"get", "-q", "docs/f", local("f")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(same_bytes(local("f"), local("f.orig")));
  EXPECT_EQ(through(proxy, {"mv", "docs/f", "docs/g"}).exit_code, 0);
  EXPECT_EQ(through(proxy, {"rm", "docs/g"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(home() / "docs" / "g"));
  EXPECT_GT(proxy.forwarded(), 2 * bytes.size());
}

TEST_F(CuttingProxy, ADownloadDroppedMidTransferResumesWithGetResumeToIdenticalBytes) {
  constexpr std::size_t kSize = 4 << 20;
  write_bytes(local("big.orig"), random_bytes(kSize, 6));
  ASSERT_EQ(netdisk({"put", "-q", local("big.orig"), "big"}).exit_code, 0);

  ChoppingProxy proxy(server_.port(), pieces(1500));
  proxy.cut_after((3 << 20) / 2);
  auto cut = through(proxy, {"get", "-q", "big", local("big")});
  EXPECT_NE(cut.exit_code, 0);
  EXPECT_EQ(proxy.cuts(), 1u);
  auto held = file_size_or_zero(client::PartialDownload::part_path(local("big")));
  EXPECT_GT(held, 0u);
  EXPECT_LT(held, kSize);
  EXPECT_FALSE(fs::exists(local("big")));

  proxy.cut_after(0);
  std::uint64_t before = proxy.forwarded();
  auto resumed = through(proxy, {"get", "-q", "--resume", "big", local("big")});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(same_bytes(local("big"), local("big.orig")));
  EXPECT_LT(proxy.forwarded() - before, kSize) << "the download started over";
}

TEST_F(CuttingProxy, AnUploadDroppedMidTransferResumesWithPutResumeToIdenticalBytes) {
  constexpr std::size_t kSize = 4 << 20;
  write_bytes(local("big"), random_bytes(kSize, 7));

  ChoppingProxy proxy(server_.port(), pieces(1500));
  proxy.cut_after((3 << 20) / 2);
  auto cut = through(proxy, {"put", "-q", local("big"), "big"});
  EXPECT_NE(cut.exit_code, 0);
  EXPECT_EQ(proxy.cuts(), 1u);
  EXPECT_FALSE(fs::exists(home() / "big"));

  proxy.cut_after(0);
  std::uint64_t before = proxy.forwarded();
  auto resumed = through(proxy, {"put", "-q", "--resume", local("big"), "big"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(same_bytes(home() / "big", local("big")));
  EXPECT_LT(proxy.forwarded() - before, kSize) << "the upload started over";
  EXPECT_TRUE(reserved_entries(home()).empty());
}

}  // namespace
}  // namespace netdisk::e2e
