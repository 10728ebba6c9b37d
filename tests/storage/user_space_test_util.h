// Helpers for tests of the storage interface (storage/user_space.h): one backend per
// implementation with a space for "alice", and short ways to put, read and hash a file.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/checksum.h"
#include "storage/local_space.h"
#include "storage/memory_space.h"
#include "storage/user_space.h"

namespace netdisk::storage::testing {

// A LocalBackend over a fresh temporary home folder, removed at the end.
class LocalFixtureBackend {
 public:
  static constexpr const char* kName = "Local";
  LocalFixtureBackend() : home_(make_home()), backend_(home_) {
    std::filesystem::create_directory(home_ / "alice");
  }
  ~LocalFixtureBackend() { std::filesystem::remove_all(home_); }
  Backend& backend() { return backend_; }
  FaultPlan* faults() { return nullptr; }
  const std::filesystem::path& home() const { return home_; }

 private:
  static std::filesystem::path make_home() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "netdisk-space-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    return pattern;
  }
  std::filesystem::path home_;
  LocalBackend backend_;
};

class MemoryFixtureBackend {
 public:
  static constexpr const char* kName = "Memory";
  MemoryFixtureBackend() { backend_.create_space("alice"); }
  Backend& backend() { return backend_; }
  FaultPlan* faults() { return &backend_.faults(); }

 private:
  MemoryBackend backend_;
};

inline std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

inline std::string xxh3_of(std::string_view text) {
  Xxh3Hasher hasher;
  hasher.update(bytes_of(text));
  return hasher.hex_digest();
}

// Uploads `content` to `path` in one write; the published version, or the error.
inline StorageResult<Published> put(UserSpace& space, std::string_view path,
                                    std::string_view content, const TargetCheck& check = {}) {
  auto sink = space.begin_upload(path, content.size(), std::nullopt);
  if (!sink) return std::move(sink).error();
  if (auto written = (*sink)->write(bytes_of(content)); !written) return std::move(written).error();
  return (*sink)->commit(check);
}

// The whole content of an open file, through read_at() in small steps.
inline std::string read_all(OpenFile& file) {
  std::string out;
  std::array<std::byte, 7> buffer{};
  while (true) {
    auto got = file.read_at(out.size(), buffer);
    if (!got || *got == 0) return out;
    out.append(reinterpret_cast<const char*>(buffer.data()), *got);
  }
}

inline std::optional<std::string> read_file(const UserSpace& space, std::string_view path) {
  auto file = space.open_read(path);
  if (!file) return std::nullopt;
  return read_all(**file);
}

// Names a typed test of the conformance suites after its backend fixture ("Local", "Memory").
struct FixtureName {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

// Every backend the conformance suites run against. A test binary for another backend
// defines NETDISK_STORAGE_TEST_BACKENDS_DEFINED and its own Backends before including the
// suites (tests/cluster/cluster_conformance_test.cc).
#ifndef NETDISK_STORAGE_TEST_BACKENDS_DEFINED
using Backends = ::testing::Types<LocalFixtureBackend, MemoryFixtureBackend>;
#endif

}  // namespace netdisk::storage::testing
