// End-to-end tests of what netdisk does on a terminal: the progress bar (drawn on a pty, absent
// in a pipe), the questions about interrupted and existing downloads answered both ways, and
// the interactive shell driven through a pseudo-terminal.
#include <sys/xattr.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "client/transfer/partial_download.h"
#include "tests/client/client_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using client::PartialDownload;

class ClientTerminal : public ClientTest {
 protected:
  std::string bytes_ = random_bytes(3 << 20, 11);

  void SetUp() override {
    ClientTest::SetUp();
    write_bytes(local("data.orig"), bytes_);
    ASSERT_EQ(netdisk({"put", local("data.orig"), "data"}).exit_code, 0);
  }
  void leave_partial(const fs::path& target, std::size_t held) {
    fs::path part = PartialDownload::part_path(target);
    write_bytes(part, bytes_.substr(0, held));
    std::string version = remote_version("data");
    ASSERT_EQ(::setxattr(part.c_str(), client::kVersionXattr, version.data(), version.size(), 0),
              0);
  }
};

TEST_F(ClientTerminal, TheProgressBarIsDrawnInPlaceOnATerminal) {
  PtyProcess client(argv({"get", "data", local("drawn")}), env(), local_dir());
  ASSERT_EQ(client.wait(), 0) << client.transcript();
  const std::string& text = client.transcript();
  EXPECT_NE(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("%"), std::string::npos) << text;
  EXPECT_NE(text.find("3.0 MiB"), std::string::npos) << text;
  EXPECT_NE(text.find("data: 3.0 MiB in "), std::string::npos) << text;  // the summary
  EXPECT_EQ(read_bytes(local("drawn")), bytes_);
}

TEST_F(ClientTerminal, NoProgressControlCharactersWhenStderrIsAPipe) {
  auto get = netdisk({"get", "data", local("piped")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.err.find('\r'), std::string::npos);
  EXPECT_EQ(get.err.find('\x1b'), std::string::npos);
  EXPECT_EQ(std::count(get.err.begin(), get.err.end(), '\n'), 1) << get.err;
  auto quiet = netdisk({"get", "--quiet", "data", local("quiet")});
  EXPECT_EQ(quiet.err, "");
}

TEST_F(ClientTerminal, AnsweringContinueResumesTheInterruptedDownload) {
  leave_partial(local("data"), 1 << 20);
  auto text = run_answering({"get", "data", local("data")}, "start over (s)? [C/s]", "");
  EXPECT_NE(text.find("resumed at"), std::string::npos) << text;
  EXPECT_EQ(read_bytes(local("data")), bytes_);
}

TEST_F(ClientTerminal, AnsweringStartOverDownloadsEverythingAgain) {
  leave_partial(local("data"), 1 << 20);
  auto text = run_answering({"get", "data", local("data")}, "start over (s)? [C/s]", "s");
  EXPECT_EQ(text.find("resumed at"), std::string::npos) << text;
  EXPECT_EQ(read_bytes(local("data")), bytes_);
}

TEST_F(ClientTerminal, AnExistingFileIsReplacedOnlyWhenTheAnswerIsYes) {
  // Longer than the server's file: a shorter one is offered to continue instead.
  std::string mine = bytes_ + "and mine";
  write_bytes(local("kept"), mine);
  run_answering({"get", "data", local("kept")}, "replace it? [y/N]", "n");
  EXPECT_EQ(read_bytes(local("kept")), mine);
  run_answering({"get", "data", local("kept")}, "replace it? [y/N]", "y");
  EXPECT_EQ(read_bytes(local("kept")), bytes_);
}

TEST_F(ClientTerminal, TheShellLogsInListsTransfersReportsErrorsAndQuits) {
  ASSERT_EQ(netdisk({"logout"}).exit_code, 0);
  write_bytes(local("notes.txt"), "shell notes\n");
  PtyProcess shell(argv({}), env(), local_dir());
  std::string server = "127.0.0.1:" + std::to_string(server_.port());
  bool found = false;
  auto expect = [&](const std::string& needle) {
    auto text = shell.read_until(needle, &found);
    EXPECT_TRUE(found) << "waiting for `" << needle << "`, got:\n" << text;
    return text;
  };
  expect("netdisk:" + server + "> ");
  shell.write(std::string("login ") + kUser + "\n");
  expect("Password for");
  shell.write(std::string(kPassword) + "\n");
  expect("logged in as alice");
  std::string prompt = "netdisk:alice@" + server + "> ";
  expect(prompt);
  shell.write("put notes.txt\n");
  expect(prompt);
  shell.write("ls\n");
  EXPECT_NE(expect(prompt).find("notes.txt"), std::string::npos);
  shell.write("get notes.txt copy.txt\n");
  expect(prompt);
  shell.write("rm no-such-file\n");
  auto error = expect(prompt);
  EXPECT_NE(error.find("not_found"), std::string::npos) << error;
  shell.write("frobnicate\n");
  EXPECT_NE(expect(prompt).find("unknown command"), std::string::npos);
  shell.write("half a line\x03");  // Ctrl-C drops the line, not the shell
  expect(prompt);
  shell.write("help\n");
  EXPECT_NE(expect(prompt).find("mkdir"), std::string::npos);
  shell.write("quit\n");
  EXPECT_EQ(shell.wait(), 0) << shell.transcript();
  EXPECT_EQ(shell.transcript().find(kPassword), std::string::npos) << "the password was echoed";
  EXPECT_EQ(read_bytes(home() / "notes.txt"), "shell notes\n");
  EXPECT_EQ(read_bytes(local("copy.txt")), "shell notes\n");
}

TEST_F(ClientTerminal, TheShellCompletesCommandAndRemoteNames) {
  ASSERT_EQ(netdisk({"mkdir", "reports"}).exit_code, 0);
  PtyProcess shell(argv({"shell"}), env(), local_dir());
  std::string prompt = "netdisk:alice@127.0.0.1:" + std::to_string(server_.port()) + "> ";
  bool found = false;
  shell.read_until(prompt, &found);
  ASSERT_TRUE(found) << shell.transcript();
  shell.write("mkd\t");  // -> "mkdir "
  shell.write("rep\t");  // -> "reports/"
  shell.write("q2\n");
  shell.read_until(prompt, &found);
  EXPECT_TRUE(found) << shell.transcript();
  EXPECT_TRUE(fs::is_directory(home() / "reports" / "q2")) << shell.transcript();
  shell.write("exit\n");
  EXPECT_EQ(shell.wait(), 0);
}

}  // namespace
}  // namespace netdisk::e2e
