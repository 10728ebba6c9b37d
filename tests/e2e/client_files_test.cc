// End-to-end tests of the netdisk file commands against the real netdiskd: ls, put, get, rm,
// mv, mkdir, as scripts use them (no terminal), byte for byte, with their exit statuses.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "tests/client/client_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

using ClientFiles = ClientTest;

TEST_F(ClientFiles, UploadListAndDownloadGiveBackTheSameBytesEmptyFileIncluded) {
  write_bytes(local("photo.jpg"), random_bytes(3 * 1024 * 1024 + 17, 1));
  write_bytes(local("empty"), "");
  auto put = netdisk({"put", local("photo.jpg"), local("empty")});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_TRUE(same_bytes(local("photo.jpg"), home() / "photo.jpg"));
  EXPECT_TRUE(fs::exists(home() / "empty"));

  auto ls = netdisk({"ls", "-l"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_TRUE(std::regex_search(ls.out, std::regex("file +0 B +0 +[0-9-]+ [0-9:]+  empty\n")))
      << ls.out;
  EXPECT_TRUE(std::regex_search(ls.out, std::regex("file +3.0 MiB +3145745 .*photo.jpg\n")))
      << ls.out;

  fs::create_directory(local("back"));
  auto get = netdisk({"get", "photo.jpg", "empty", local("back").string() + "/"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_TRUE(same_bytes(local("photo.jpg"), local("back/photo.jpg")));
  EXPECT_TRUE(same_bytes(local("empty"), local("back/empty")));
  EXPECT_FALSE(fs::exists(local("back/photo.jpg.part")));
}

TEST_F(ClientFiles, PutToANameAndIntoAFolderAndGetToALocalName) {
  write_bytes(local("a.txt"), "alpha\n");
  ASSERT_EQ(netdisk({"mkdir", "docs"}).exit_code, 0);
  ASSERT_EQ(netdisk({"put", local("a.txt"), "docs/renamed.txt"}).exit_code, 0);
  ASSERT_EQ(netdisk({"put", local("a.txt"), "docs"}).exit_code, 0);  // an existing folder
  ASSERT_EQ(netdisk({"put", local("a.txt"), "--to", "/docs/"}).exit_code, 0);
  EXPECT_EQ(read_bytes(home() / "docs/renamed.txt"), "alpha\n");
  EXPECT_EQ(read_bytes(home() / "docs/a.txt"), "alpha\n");
  auto get = netdisk({"get", "/docs/renamed.txt", local("copy.txt")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(read_bytes(local("copy.txt")), "alpha\n");
}

TEST_F(ClientFiles, OverwritingReplacesTheContentAndTheSize) {
  write_bytes(local("f"), random_bytes(500000, 2));
  ASSERT_EQ(netdisk({"put", local("f")}).exit_code, 0);
  write_bytes(local("f"), "short now");
  ASSERT_EQ(netdisk({"put", local("f")}).exit_code, 0);
  EXPECT_EQ(read_bytes(home() / "f"), "short now");
  auto ls = netdisk({"ls", "-l", "f"});
  EXPECT_NE(ls.out.find(" 9 "), std::string::npos) << ls.out;
  auto get = netdisk({"get", "--overwrite", "f", local("f")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(read_bytes(local("f")), "short now");
}

TEST_F(ClientFiles, SeveralFilesTransferConcurrentlyAndEachGetsOneSummaryLine) {
  std::vector<std::string> put_args = {"put", "--jobs", "3"};
  for (int i = 0; i < 6; ++i) {
    write_bytes(local("f" + std::to_string(i)), random_bytes(700000 + i, 10 + i));
    put_args.push_back(local("f" + std::to_string(i)));
  }
  auto put = netdisk(put_args);
  ASSERT_EQ(put.exit_code, 0) << put.err;
  fs::create_directory(local("down"));
  std::vector<std::string> get_args = {"get", "-j", "4"};
  for (int i = 0; i < 6; ++i) get_args.push_back("f" + std::to_string(i));
  get_args.push_back(local("down"));
  auto get = netdisk(get_args);
  ASSERT_EQ(get.exit_code, 0) << get.err;
  for (int i = 0; i < 6; ++i) {
    std::string name = "f" + std::to_string(i);
    EXPECT_TRUE(same_bytes(local(name), local("down") / name)) << name;
    EXPECT_NE(get.err.find(name + ": "), std::string::npos) << get.err;
  }
  EXPECT_EQ(std::count(get.err.begin(), get.err.end(), '\n'), 6) << get.err;
  EXPECT_EQ(get.err.find('\r'), std::string::npos);
  EXPECT_EQ(get.err.find('\x1b'), std::string::npos);
}

TEST_F(ClientFiles, OneMissingFileFailsAloneAndTheOthersArrive) {
  write_bytes(local("here"), "here");
  ASSERT_EQ(netdisk({"put", local("here")}).exit_code, 0);
  fs::create_directory(local("down"));
  auto get = netdisk({"get", "missing", "here", local("down")});
  EXPECT_EQ(get.exit_code, 1);
  EXPECT_NE(get.err.find("missing"), std::string::npos) << get.err;
  EXPECT_NE(get.err.find("not_found"), std::string::npos) << get.err;
  EXPECT_EQ(read_bytes(local("down/here")), "here");
}

TEST_F(ClientFiles, LsReadsEveryPageOfALargeFolder) {
  fs::create_directories(home() / "many");
  for (int i = 0; i < 1005; ++i)
    write_bytes(home() / "many" / ("n" + std::to_string(10000 + i)), "");
  auto ls = netdisk({"ls", "many"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(std::count(ls.out.begin(), ls.out.end(), '\n'), 1005);
  EXPECT_NE(ls.out.find("n11004\n"), std::string::npos);
}

TEST_F(ClientFiles, MkdirMvAndRmDoWhatTheySay) {
  ASSERT_EQ(netdisk({"mkdir", "-p", "a/b/c"}).exit_code, 0);
  EXPECT_TRUE(fs::is_directory(home() / "a/b/c"));
  write_bytes(local("x"), "x");
  ASSERT_EQ(netdisk({"put", local("x"), "a/x"}).exit_code, 0);
  ASSERT_EQ(netdisk({"mv", "a/x", "a/b"}).exit_code, 0);  // into the folder
  EXPECT_TRUE(fs::exists(home() / "a/b/x"));
  ASSERT_EQ(netdisk({"mv", "a/b/x", "a/y"}).exit_code, 0);  // a new name
  EXPECT_TRUE(fs::exists(home() / "a/y"));
  ASSERT_EQ(netdisk({"rm", "a/y", "a/b/c"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(home() / "a/y"));
  EXPECT_FALSE(fs::exists(home() / "a/b/c"));
}

TEST_F(ClientFiles, EveryCommandExitsZeroOnSuccessOneWhenRefusedAndTwoForUsage) {
  write_bytes(local("x"), "x");
  // Success.
  EXPECT_EQ(netdisk({"mkdir", "d"}).exit_code, 0);
  EXPECT_EQ(netdisk({"put", local("x")}).exit_code, 0);
  EXPECT_EQ(netdisk({"ls"}).exit_code, 0);
  EXPECT_EQ(netdisk({"get", "x", local("y")}).exit_code, 0);
  EXPECT_EQ(netdisk({"mv", "x", "z"}).exit_code, 0);
  EXPECT_EQ(netdisk({"rm", "z"}).exit_code, 0);
  // Refused by the server: one line on stderr naming the path and the code.
  struct Refusal {
    std::vector<std::string> args;
    std::string code;
  };
  for (const auto& [args, code] : std::vector<Refusal>{
           {{"mkdir", "d"}, "already_exists"},
           {{"ls", "nowhere"}, "not_found"},
           {{"get", "nowhere", "/tmp/never-written"}, "not_found"},
           {{"rm", "nowhere"}, "not_found"},
           {{"rm", "d", "nowhere"}, "not_found"},
           {{"mv", "nowhere", "else"}, "not_found"},
           {{"put", local("x"), "../escape"}, "invalid_path"},
       }) {
    auto result = netdisk(args);
    EXPECT_EQ(result.exit_code, 1) << args[0] << ": " << result.err;
    EXPECT_NE(result.err.find(code), std::string::npos) << args[0] << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  EXPECT_FALSE(fs::exists(home() / "d")) << "rm stopped at the first failure";
  auto missing_local = netdisk({"put", local("no-such-file")});
  EXPECT_EQ(missing_local.exit_code, 1);
  EXPECT_NE(missing_local.err.find("no-such-file"), std::string::npos);
  auto existing_local = netdisk({"get", "x", local("y")});  // y exists already
  EXPECT_EQ(existing_local.exit_code, 1);
  EXPECT_NE(existing_local.err.find("--overwrite"), std::string::npos) << existing_local.err;
  // Usage and connection problems.
  for (const auto& args : std::vector<std::vector<std::string>>{{"put"},
                                                                {"get"},
                                                                {"rm"},
                                                                {"mv", "a"},
                                                                {"mkdir"},
                                                                {"ls", "--bogus"},
                                                                {"get", "--jobs", "0", "x"}}) {
    EXPECT_EQ(netdisk(args).exit_code, 2) << args[0];
  }
  EXPECT_EQ(netdisk({"get", "--resume", "--overwrite", "x"}).exit_code, 2);
  EXPECT_EQ(netdisk({"put", "--limit-rate", "fast", local("x")}).exit_code, 2);
  auto unreachable = run_netdisk({"--server", "127.0.0.1:1", "ls"});
  EXPECT_EQ(unreachable.exit_code, 2);
  // Not logged in: refused like any other server answer.
  ASSERT_EQ(netdisk({"logout"}).exit_code, 0);
  auto anonymous = netdisk({"ls"});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("not logged in"), std::string::npos);
}

TEST_F(ClientFiles, UserFlagWorksForTransfersOverSeveralConnections) {
  ASSERT_EQ(netdisk({"logout"}).exit_code, 0);
  write_bytes(local("a"), "aaa");
  write_bytes(local("b"), "bbb");
  auto put =
      netdisk({"--user", kUser, "put", local("a"), local("b")}, {{"NETDISK_PASSWORD", kPassword}});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(read_bytes(home() / "b"), "bbb");
}

TEST_F(ClientFiles, QuietPrintsNothingOnSuccess) {
  write_bytes(local("q"), "q");
  auto put = netdisk({"put", "-q", local("q")});
  EXPECT_EQ(put.exit_code, 0);
  EXPECT_EQ(put.err, "");
  EXPECT_EQ(put.out, "");
}

}  // namespace
}  // namespace netdisk::e2e
