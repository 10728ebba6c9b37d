// End-to-end tests of `put` given something that is not a regular file: a device, a FIFO, a
// folder and a missing name each get their own reason, nothing is sent, and a FIFO is never
// opened (opening it would block until a writer came).
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/client/client_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

class ClientPutSpecial : public ClientTest {
 protected:
  // Runs `put PATH` and checks it was refused with `reason` and sent nothing.
  void expect_refused(const fs::path& path, const std::string& reason) {
    auto put = netdisk({"put", path.string()});
    EXPECT_EQ(put.exit_code, 1) << put.err;
    EXPECT_NE(put.err.find(path.string() + ": " + reason), std::string::npos) << put.err;
    EXPECT_EQ(put.err.find("no such file"), std::string::npos) << put.err;
    EXPECT_FALSE(fs::exists(home() / path.filename())) << path;
  }
};

TEST_F(ClientPutSpecial, ADeviceIsRefusedAsNotARegularFile) {
  expect_refused("/dev/null", "is not a regular file");
}

TEST_F(ClientPutSpecial, AFifoIsRefusedAsNotARegularFileWithoutBlocking) {
  fs::path fifo = local("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(fifo, "is not a regular file");
}

TEST_F(ClientPutSpecial, AFolderIsRefusedAsAFolder) {
  fs::create_directories(local("photos"));
  expect_refused(local("photos"), "is a folder");
}

TEST_F(ClientPutSpecial, AMissingNameIsStillNoSuchFile) {
  auto put = netdisk({"put", local("absent").string()});
  EXPECT_EQ(put.exit_code, 1);
  EXPECT_NE(put.err.find("absent: no such file"), std::string::npos) << put.err;
}

TEST_F(ClientPutSpecial, TheOtherFilesOfTheCommandAreStillSent) {
  write_bytes(local("ok.txt"), "fine\n");
  auto put = netdisk({"put", "/dev/null", local("ok.txt").string()});
  EXPECT_EQ(put.exit_code, 1) << put.err;
  EXPECT_EQ(read_bytes(home() / "ok.txt"), "fine\n");
}

}  // namespace
}  // namespace netdisk::e2e
