// DirChunkStore: a ChunkStore (chunk_store.h) in a local folder, one file per object under a
// folder per namespace, written with temp + fsync + rename. The test twin of RadosChunkStore
// (what the conformance suite runs the cluster backend on), and usable on one machine.
// Optionally fails on purpose: a test arms put or read failures (LevelDB Env style).
// Thread-safe: no shared state but the fault counters, which are atomic.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>

#include "cluster/storage/chunk_store.h"

namespace netdisk::cluster {

class DirChunkStore final : public ChunkStore {
 public:
  // `root` must exist; the store creates namespace folders in it.
  explicit DirChunkStore(std::filesystem::path root) : root_(std::move(root)) {}

  ChunkStatus put(std::string_view ns, std::string_view oid,
                  std::span<const std::byte> bytes) override;
  ChunkResult<std::size_t> read(std::string_view ns, std::string_view oid, std::uint64_t offset,
                                std::span<std::byte> into) override;
  ChunkStatus remove(std::string_view ns, std::string_view oid) override;

  // How many objects namespace `ns` holds (for tests of the garbage collection).
  std::size_t object_count(std::string_view ns) const;

  // The next `count` puts fail with no_space, the next `count` reads with io_error.
  void fail_puts(int count) { put_faults_ = count; }
  void fail_reads(int count) { read_faults_ = count; }
  // Called after each successful put, before it returns (tests: a node that dies or loses a
  // race between writing an object and recording it). Set it before any put runs.
  using AfterPut = std::function<void(std::string_view ns, std::string_view oid)>;
  void after_put(AfterPut hook) { after_put_ = std::move(hook); }

 private:
  static bool take(std::atomic<int>& faults);
  std::filesystem::path root_;
  std::atomic<int> put_faults_{0};
  std::atomic<int> read_faults_{0};
  AfterPut after_put_;
};

}  // namespace netdisk::cluster
