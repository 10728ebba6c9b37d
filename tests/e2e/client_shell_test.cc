// End-to-end tests of the interactive shell on a pseudo-terminal: Tab completion that quotes
// what it completes, local and remote wildcards, carrying on after the server closed the
// connection (a restart, its idle timeout), and hints worded for the shell. Remote wildcards
// of one-shot commands are here too.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/transfer/partial_download.h"
#include "tests/client/client_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Waits (up to 30 s) until a client socket connected to 127.0.0.1:`port` has been closed by
// the server and not yet by the client: TCP state CLOSE_WAIT (08) in /proc/net/tcp.
bool wait_for_close_by_server(std::uint16_t port) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream table("/proc/net/tcp");
    std::string line;
    std::getline(table, line);  // the header
    while (std::getline(table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      auto colon = remote.rfind(':');
      if (colon == std::string::npos) continue;
      if (std::stoul(remote.substr(colon + 1), nullptr, 16) == port && state == "08") return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// A shell on a pty, driven line by line.
class Shell {
 public:
  Shell(std::vector<std::string> argv, const Env& env, const fs::path& cwd)
      : pty_(argv, env, cwd) {}

  // Reads until `needle`; a failed expectation when it does not come.
  std::string expect(const std::string& needle) {
    bool found = false;
    auto text = pty_.read_until(needle, &found);
    EXPECT_TRUE(found) << "waiting for `" << needle << "`, got:\n" << pty_.transcript();
    return text;
  }
  // Types `keys` (ending in Enter) and returns everything up to `prompt` after the Enter.
  std::string run(const std::string& keys, const std::string& prompt) {
    pty_.write(keys);
    std::string text = expect("\n");  // the Enter: completion redraws come before it
    return text + expect(prompt);
  }
  void write(const std::string& keys) { pty_.write(keys); }
  int quit() {
    pty_.write("quit\n");
    return pty_.wait();
  }
  const std::string& transcript() const { return pty_.transcript(); }

 private:
  PtyProcess pty_;
};

class ClientShell : public ClientTest {
 protected:
  std::string server() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::string prompt() const { return "netdisk:alice@" + server() + "> "; }
  std::string anonymous_prompt() const { return "netdisk:" + server() + "> "; }
  std::unique_ptr<Shell> open_shell() {
    auto shell = std::make_unique<Shell>(argv({}), env(), local_dir());
    shell->expect(prompt());
    return shell;
  }
  void put_remote(const std::string& name, const std::string& bytes) {
    fs::create_directories(local("outbox"));
    write_bytes(local("outbox") / name, bytes);
    auto put = netdisk({"put", "-q", (local("outbox") / name).string()});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }
};

TEST_F(ClientShell, TabCompletionQuotesNamesWithSpacesAndSpecialCharacters) {
  put_remote("a b  c.txt", "spaced\n");
  put_remote("it's $1 [draft].txt", "awkward\n");
  write_bytes(local("local copy (1).txt"), "local\n");
  auto shell = open_shell();
  shell->run("get a\t\n", prompt());  // -> get a\ b\ \ c.txt
  EXPECT_EQ(read_bytes(local("a b  c.txt")), "spaced\n") << shell->transcript();
  shell->run("get \"a b\t second.txt\n", prompt());  // -> get "a b  c.txt" second.txt
  EXPECT_EQ(read_bytes(local("second.txt")), "spaced\n") << shell->transcript();
  shell->run("get 'it\t\n", prompt());  // -> get 'it'\''s $1 [draft].txt'
  EXPECT_EQ(read_bytes(local("it's $1 [draft].txt")), "awkward\n") << shell->transcript();
  shell->run("put loc\t\n", prompt());  // a local name -> put local\ copy\ \(1\).txt
  EXPECT_EQ(read_bytes(home() / "local copy (1).txt"), "local\n") << shell->transcript();
  EXPECT_EQ(shell->quit(), 0);
}

TEST_F(ClientShell, PutExpandsLocalWildcardsUnlessQuotedAndGetAndRmMatchRemoteNames) {
  for (const char* name : {"a.txt", "b.txt", "c.jpg", "star*.md", "star1.md", "-q.txt"}) {
    write_bytes(local(name), name);
  }
  fs::create_directories(local("pics"));
  write_bytes(local("pics/x.jpg"), "x");
  write_bytes(local("pics/y.jpg"), "y");
  fs::create_directories(local("dl"));
  auto shell = open_shell();
  shell->run("put *.txt pics/*.jpg\n", prompt());
  shell->run("put 'star*.md'\n", prompt());  // quoted: the file of that very name
  auto nothing = shell->run("put nothing*.zip\n", prompt());
  EXPECT_NE(nothing.find("no local file matches nothing*.zip"), std::string::npos) << nothing;
  EXPECT_EQ(names_in(home()),
            (std::vector<std::string>{"-q.txt", "a.txt", "b.txt", "star*.md", "x.jpg", "y.jpg"}));
  shell->run("get '*.txt' dl/\n", prompt());
  shell->run("get *.jpg dl/\n", prompt());  // not put: the names are remote ones
  EXPECT_EQ(names_in(local("dl")),
            (std::vector<std::string>{"-q.txt", "a.txt", "b.txt", "x.jpg", "y.jpg"}));
  auto none = shell->run("get 'zz*'\n", prompt());
  EXPECT_NE(none.find("no remote file matches zz*"), std::string::npos) << none;
  shell->run("rm '*.jpg'\n", prompt());
  EXPECT_EQ(visible_names_in(home()),
            (std::vector<std::string>{"-q.txt", "a.txt", "b.txt", "star*.md"}));
  EXPECT_EQ(shell->quit(), 0);
}

TEST_F(ClientShell, OneShotGetAndRmMatchAQuotedPatternAgainstTheServerListing) {
  for (const char* name : {"a.txt", "b.txt", "c.jpg", "star*.md", "star1.md"}) {
    put_remote(name, name);
  }
  fs::create_directories(local("one"));
  auto get = netdisk({"get", "-q", "*.txt", local("one").string() + "/"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(names_in(local("one")), (std::vector<std::string>{"a.txt", "b.txt"}));
  // A name that holds a * and exists is that file, not a pattern.
  auto exact = netdisk({"get", "-q", "star*.md", local("exact.md")});
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  EXPECT_EQ(read_bytes(local("exact.md")), "star*.md");
  auto none = netdisk({"get", "zz*"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no remote file matches zz*"), std::string::npos) << none.err;
  auto several = netdisk({"get", "*.txt", local("one-name")});
  EXPECT_EQ(several.exit_code, 2);
  EXPECT_NE(several.err.find("give a local folder"), std::string::npos) << several.err;
  ASSERT_EQ(netdisk({"rm", "star[0-9].md"}).exit_code, 0);
  EXPECT_EQ(visible_names_in(home()),
            (std::vector<std::string>{"a.txt", "b.txt", "c.jpg", "star*.md"}));
}

TEST_F(ClientShell, AfterAServerRestartTheShellGoesOnWithItsLoginUnlessTheServerLostIt) {
  put_remote("notes.txt", "kept\n");
  auto shell = open_shell();
  server_.stop();
  ASSERT_TRUE(wait_for_close_by_server(server_.port()));
  auto down = shell->run("ls\n", anonymous_prompt());  // the server is down: said once
  EXPECT_NE(down.find("cannot connect"), std::string::npos) << down;
  EXPECT_EQ(down.find("cannot connect"), down.rfind("cannot connect")) << down;
  server_.restart();
  // Sessions survive a restart: the next command reconnects quietly with the same login.
  auto resumed = shell->run("ls\n", prompt());
  EXPECT_NE(resumed.find("notes.txt"), std::string::npos) << resumed;
  // A server that lost the session (here its sessions file is gone, as if it had expired)
  // says so once, and a new login works.
  server_.stop();
  ASSERT_TRUE(wait_for_close_by_server(server_.port()));
  std::filesystem::remove(server_.data_dir() / "sessions.txt");
  server_.restart();
  auto ended = shell->run("ls\n", anonymous_prompt());
  EXPECT_NE(ended.find("the server no longer knows your session: log in again with `login "
                       "alice`"),
            std::string::npos)
      << ended;
  for (const char* noise : {"shutting down", "connection closed", "no longer valid",
                            "not logged in", "netdisk login", "notes.txt"}) {
    EXPECT_EQ(ended.find(noise), std::string::npos) << noise << " in:\n" << ended;
  }
  shell->write("login alice\n");
  shell->expect("Password for");
  shell->write(std::string(kPassword) + "\n");
  shell->expect("logged in as alice");
  shell->expect(prompt());
  auto listed = shell->run("ls\n", prompt());
  EXPECT_NE(listed.find("notes.txt"), std::string::npos) << listed;
  EXPECT_EQ(shell->quit(), 0);
}

TEST_F(ClientShell, PasswdAsksOnTheTerminalWithoutEchoAndTheShellStaysLoggedIn) {
  put_remote("notes.txt", "kept\n");
  const std::string next = "the next password";
  auto shell = open_shell();
  shell->write("passwd\n");
  shell->expect("Current password for alice@");
  shell->write(std::string(kPassword) + "\n");
  shell->expect("New password for alice@");
  shell->write(next + "\n");
  shell->expect("Repeat the password: ");
  shell->write(next + "\n");
  auto changed = shell->expect(prompt());
  EXPECT_NE(changed.find("changed the password of alice@"), std::string::npos) << changed;
  EXPECT_EQ(shell->transcript().find(next), std::string::npos) << "a password was echoed";
  EXPECT_EQ(shell->transcript().find(kPassword), std::string::npos) << "a password was echoed";
  auto listed = shell->run("ls\n", prompt());  // this session goes on
  EXPECT_NE(listed.find("notes.txt"), std::string::npos) << listed;
  EXPECT_EQ(shell->quit(), 0);
  auto old_one = netdisk({"--user", "alice", "whoami"}, {{"NETDISK_PASSWORD", kPassword}});
  EXPECT_EQ(old_one.exit_code, 1) << old_one.err;
  auto new_one = netdisk({"--user", "alice", "whoami"}, {{"NETDISK_PASSWORD", next}});
  EXPECT_EQ(new_one.exit_code, 0) << new_one.err;
}

TEST_F(ClientShell, AConnectionTheServerTimedOutIsReopenedWithTheStillValidToken) {
  // Cheap hashing: a login that hashed for over a second would itself hit the idle timeout.
  std::vector<std::string> args = kCheapHashing;
  args.insert(args.end(), {"--idle-timeout", "1"});
  ServerProcess idle(args);
  std::string address = "127.0.0.1:" + std::to_string(idle.port());
  Env password = env({{"NETDISK_PASSWORD", kPassword}});
  for (const char* step : {"register", "login"}) {
    auto done = run_netdisk({"--server", address, step, kUser}, password);
    ASSERT_EQ(done.exit_code, 0) << done.err;
  }
  write_bytes(local("notes.txt"), "idle\n");
  auto put = run_netdisk({"--server", address, "put", "-q", local("notes.txt").string()}, env());
  ASSERT_EQ(put.exit_code, 0) << put.err;
  std::string idle_prompt = "netdisk:alice@" + address + "> ";
  Shell shell({(binary_dir() / "netdisk").string(), "--server", address}, env(), local_dir());
  shell.expect(idle_prompt);
  ASSERT_TRUE(wait_for_close_by_server(idle.port()));
  auto listed = shell.run("ls\n", idle_prompt);
  EXPECT_NE(listed.find("notes.txt"), std::string::npos) << listed;
  for (const char* noise : {"timed out", "closed", "log in", "netdisk: "}) {
    EXPECT_EQ(listed.find(noise), std::string::npos) << noise << " in:\n" << listed;
  }
  EXPECT_EQ(shell.quit(), 0);
}

TEST_F(ClientShell, HintsInTheShellNameShellCommands) {
  make_sparse_file(local("big.bin"), 64 << 20, 5);
  auto shell = open_shell();
  shell->write("put --limit-rate 2M big.bin big.bin\n");
  shell->expect("%");  // the progress line: the upload is under way
  shell->write("\x03");
  auto stopped = shell->expect(server() + "> ");  // the prompt, whoever it shows
  EXPECT_NE(stopped.find("to resume, run the same command again: put big.bin big.bin"),
            std::string::npos)
      << stopped;
  EXPECT_EQ(stopped.find("--server"), std::string::npos) << stopped;
  shell->run("logout\n", anonymous_prompt());
  auto anonymous = shell->run("ls\n", anonymous_prompt());
  EXPECT_NE(anonymous.find("run `login NAME`"), std::string::npos) << anonymous;
  EXPECT_EQ(anonymous.find("netdisk login"), std::string::npos) << anonymous;
  EXPECT_EQ(anonymous.find("--user"), std::string::npos) << anonymous;
  EXPECT_EQ(shell->quit(), 0);
}

TEST_F(ClientShell, OneShotHintsKeepTheirCommandLineWording) {
  make_sparse_file(local("big.orig"), 24 << 20, 6);
  ASSERT_EQ(netdisk({"put", "-q", local("big.orig").string(), "big.bin"}).exit_code, 0);
  fs::path target = local("big.bin");
  {
    ChildProcess get(argv({"get", "--limit-rate", "4M", "big.bin", target.string()}), env(),
                     local_dir());
    ASSERT_TRUE(wait_for_size(client::PartialDownload::part_path(target), 1 << 20));
    get.signal(SIGINT);
    EXPECT_EQ(get.wait(), 130) << get.err();
    EXPECT_NE(get.err().find("run the same command again: netdisk --server " + server() +
                             " get big.bin "),
              std::string::npos)
        << get.err();
  }
  ASSERT_EQ(netdisk({"logout"}).exit_code, 0);
  auto anonymous = netdisk({"ls"});
  EXPECT_NE(anonymous.err.find("run `netdisk login NAME` or use --user NAME"), std::string::npos)
      << anonymous.err;
}

}  // namespace
}  // namespace netdisk::e2e
