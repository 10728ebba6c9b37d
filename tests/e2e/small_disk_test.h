// SmallDiskTest: a fixture whose netdiskd keeps its data folder on a small loop-mounted ext4
// (tests/e2e/loop_mount.h), so a test can fill the disk and meet a genuine ENOSPC. Skips, with
// the reason, where no loop device can be mounted. The server stops before the disk goes.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tests/e2e/loop_mount.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {

class SmallDiskTest : public ::testing::Test {
 protected:
  // Mounts a 32 MiB disk and starts the server on it (with the HTTP listener if `http`).
  void start_on_small_disk(bool http) {
    std::string why;
    disk_ = LoopMount::create(std::uint64_t{32} << 20, why);
    if (!disk_) GTEST_SKIP() << "cannot mount a small disk: " << why;
    ServerProcess::Launch launch;
    launch.args = {"--password-hash-memory", "1", "--password-hash-ops", "1"};
    launch.data_dir = disk_->root() / "data";
    launch.http = http;
    server_.emplace(std::move(launch));
  }
  void TearDown() override {
    server_.reset();  // stop the server before the disk goes
    disk_.reset();
  }

  std::unique_ptr<LoopMount> disk_;
  std::optional<ServerProcess> server_;
};

}  // namespace netdisk::e2e
