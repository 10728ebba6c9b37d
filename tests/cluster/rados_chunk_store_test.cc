// RadosChunkStore (cluster/rados/rados_chunk_store.h) against a real single-node Ceph started
// by scripts/cluster/ceph.sh in a temporary folder: whole objects written and read back by
// range, namespaces kept apart, typed errors; and the cluster backend storing a multi-chunk
// file in RADOS and reading it back through another node. Each test starts its own Ceph (a
// test is its own process under CTest), so the checks are grouped into two tests.
#include "cluster/rados/rados_chunk_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "storage/atomic_file.h"
#include "tests/cluster/cluster_store_fixture.h"
#include "tests/storage/user_space_test_util.h"

namespace netdisk::cluster_test {
namespace {

using namespace netdisk::cluster;
using storage::testing::bytes_of;
using storage::testing::read_file;
using storage::testing::xxh3_of;

// A Ceph for one test: `ceph.sh up` on construction, `down` (by PID) on destruction.
class ScratchCeph {
 public:
  ScratchCeph() {
    script_ = std::filesystem::path(NETDISK_SOURCE_DIR) / "scripts/cluster/ceph.sh";
    std::string command = script_.string() + " up " + folder_.path().string() + " > " +
                          (folder_.path() / "up.log").string() + " 2>&1";
    started_ = std::system(command.c_str()) == 0;
  }
  ~ScratchCeph() {
    std::string command =
        script_.string() + " down " + folder_.path().string() + " > /dev/null 2>&1";
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "ceph.sh down failed\n");
  }
  bool started() const { return started_; }
  std::string conf() const { return (folder_.path() / "ceph.conf").string(); }
  std::string log() const {
    auto text = storage::read_small_file(folder_.path() / "up.log", 1 << 16, "the log");
    return text ? *text : "(no log)";
  }

 private:
  e2e::TempFolder folder_;
  std::filesystem::path script_;
  bool started_ = false;
};

std::string text_of(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST(RadosChunkStore, WritesReadsRangesAndRemovesObjectsInSeparateNamespaces) {
  ScratchCeph ceph;
  ASSERT_TRUE(ceph.started()) << ceph.log();
  auto store = RadosChunkStore::connect({ceph.conf(), "admin", "netdisk-test"});
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto& rados = **store;
  ASSERT_TRUE(rados.put("alice", "c1-0-x", bytes_of("alice's bytes")).ok());
  ASSERT_TRUE(rados.put("bob", "c1-0-x", bytes_of("bob's")).ok());
  std::array<std::byte, 64> buffer{};
  auto whole = rados.read("alice", "c1-0-x", 0, buffer);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(text_of(std::span(buffer).first(*whole)), "alice's bytes");
  auto range = rados.read("alice", "c1-0-x", 8, std::span(buffer).first(3));
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(text_of(std::span(buffer).first(*range)), "byt");
  auto other = rados.read("bob", "c1-0-x", 0, buffer);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(text_of(std::span(buffer).first(*other)), "bob's") << "one namespace per user";
  ASSERT_TRUE(rados.remove("alice", "c1-0-x").ok());
  auto gone = rados.read("alice", "c1-0-x", 0, buffer);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ChunkErrc::not_found);
  EXPECT_EQ(rados.remove("alice", "c1-0-x").error().code, ChunkErrc::not_found);
  EXPECT_EQ(rados.put("../bob", "x", bytes_of("x")).error().code, ChunkErrc::bad_name);
  auto missing_conf = RadosChunkStore::connect({ceph.conf() + ".missing", "admin", "netdisk"});
  EXPECT_FALSE(missing_conf.ok());
}

TEST(RadosChunkStore, TheClusterBackendKeepsAFileInRadosThatAnotherNodeReads) {
  ScratchCeph ceph;
  ASSERT_TRUE(ceph.started()) << ceph.log();
  ClusterStoreFixture fixture;
  std::shared_ptr<ChunkStore> chunks;
  {
    auto store = RadosChunkStore::connect({ceph.conf(), "admin", "netdisk"});
    ASSERT_TRUE(store.ok()) << store.error().message;
    chunks = std::move(*store);
  }
  auto node = [&](std::string name) {
    ClusterStoreOptions options;
    options.node_name = std::move(name);
    options.chunk_bytes = 1 << 16;
    auto pool = std::make_shared<pg::PgPool>(store_postgres().conninfo(), 2);
    auto backend = ClusterBackend::open(std::move(pool), chunks, options);
    if (!backend) throw std::runtime_error(backend.error().message);
    return std::move(*backend);
  };
  std::string content;
  for (int i = 0; content.size() < 300000; ++i) content += std::to_string(i * 7919) + ",";
  auto a = node("a");
  auto space_a = *a->open_space("alice");
  auto sink = space_a->begin_upload("data.csv", content.size(), xxh3_of(content));
  ASSERT_TRUE(sink.ok()) << sink.error().message;
  ASSERT_TRUE((*sink)->write(bytes_of(content)).ok());
  ASSERT_TRUE((*sink)->commit().ok());
  auto b = node("b");
  EXPECT_EQ(read_file(**b->open_space("alice"), "data.csv"), content) << "5 chunks of 64 KiB";
}

}  // namespace
}  // namespace netdisk::cluster_test
