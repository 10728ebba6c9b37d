// Test fixtures for the cluster storage backend (cluster/storage/cluster_backend.h): a
// scratch PostgreSQL per test process (started on first use, stopped at exit), a
// DirChunkStore in a temporary folder, and backends standing for nodes ("a", "b") that share
// both. Each fixture starts from empty tables. Tiny chunks by default, so that the tests'
// small files span many chunk objects.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "cluster/pg/pg.h"
#include "cluster/storage/cluster_backend.h"
#include "cluster/storage/dir_chunk_store.h"
#include "storage/fault_plan.h"
#include "tests/cluster/scratch_services.h"
#include "tests/e2e/temp_folder.h"

namespace netdisk::cluster_test {

inline ScratchPostgres& store_postgres() {
  static ScratchPostgres server;  // one per test process: every test is its own process
  return server;
}

// A wall clock a test moves by hand; starts at the real time.
struct ManualClock {
  std::shared_ptr<std::atomic<std::int64_t>> now =
      std::make_shared<std::atomic<std::int64_t>>(storage::to_ns(std::chrono::system_clock::now()));
  std::function<std::int64_t()> fn() const {
    return [now = now] { return now->load(); };
  }
  void advance(std::chrono::nanoseconds by) { *now += by.count(); }
};

class ClusterStoreFixture {
 public:
  static constexpr std::size_t kTestChunkBytes = 5;

  ClusterStoreFixture() : store_(std::make_shared<cluster::DirChunkStore>(folder_.path())) {
    auto& server = store_postgres();
    server.psql(
        "DO $$ BEGIN IF to_regclass('netdisk.entries') IS NOT NULL THEN TRUNCATE "
        "netdisk.entries, netdisk.uploads, netdisk.versions, netdisk.trash, netdisk.chunks, "
        "netdisk.deleted_users, netdisk.chunk_intents, "
        "netdisk.contents; END IF; END $$");
  }

  // A node's backend: its own connection pool, the shared database and chunk store.
  std::unique_ptr<cluster::ClusterBackend> node(std::string name,
                                                std::size_t chunk_bytes = kTestChunkBytes) {
    cluster::ClusterStoreOptions options;
    options.node_name = std::move(name);
    options.chunk_bytes = chunk_bytes;
    options.clock_ns = clock_.fn();
    auto pool = std::make_shared<cluster::pg::PgPool>(store_postgres().conninfo(), 4);
    auto backend = cluster::ClusterBackend::open(std::move(pool), store_, options);
    if (!backend) throw std::runtime_error(backend.error().message);
    return std::move(*backend);
  }

  cluster::DirChunkStore& chunks() { return *store_; }
  std::shared_ptr<cluster::DirChunkStore> chunk_store() { return store_; }
  ManualClock& clock() { return clock_; }

 private:
  e2e::TempFolder folder_;
  std::shared_ptr<cluster::DirChunkStore> store_;
  ManualClock clock_;
};

// `user`'s space on `backend` (a node); throws when it cannot be opened.
inline std::shared_ptr<storage::UserSpace> space_of(storage::Backend& backend,
                                                    std::string_view user) {
  auto space = backend.open_space(user);
  if (!space) throw std::runtime_error(space.error().message);
  return *space;
}

// The conformance suites' fixture (tests/storage/user_space_test_util.h): one node.
class ClusterFixtureBackend {
 public:
  static constexpr const char* kName = "Cluster";
  ClusterFixtureBackend() : backend_(fixture_.node("a")) {}
  storage::Backend& backend() { return *backend_; }
  storage::FaultPlan* faults() { return nullptr; }

 private:
  ClusterStoreFixture fixture_;
  std::unique_ptr<cluster::ClusterBackend> backend_;
};

}  // namespace netdisk::cluster_test
