// Test helpers that run the real netdisk in the background: ChildProcess with its output in
// files (to signal or kill it mid-transfer, or to feed its stdin line by line), and
// PtyProcess on a pseudo-terminal (to answer its questions and see what it draws). The child gets
// the test's environment plus `env`, without NETDISK_PASSWORD unless given and with
// NETDISK_PLAINTEXT=1 unless given (the test servers' default), and runs in `cwd`. One
// owner; the destructor kills a child that is still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace netdisk::e2e {

using Env = std::map<std::string, std::string>;

class ChildProcess {
 public:
  // stdin is /dev/null, or a pipe that write_stdin() feeds when `piped_stdin`.
  ChildProcess(const std::vector<std::string>& argv, const Env& env,
               const std::filesystem::path& output_dir, bool piped_stdin = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void write_stdin(const std::string& text);
  // The child reads end of input.
  void close_stdin();
  // Waits until stdout holds `needle` (after `from` bytes); false on timeout or when the
  // child has ended without writing it.
  bool wait_for_out(const std::string& needle, std::size_t from = 0,
                    std::chrono::seconds timeout = std::chrono::seconds(30));

  void signal(int signal_number);
  // The exit status, or -1 when a signal ended it (or the timeout did, with SIGKILL).
  int wait(std::chrono::seconds timeout = std::chrono::seconds(60));
  bool running();
  std::string out() const;
  // Without the "not encrypted" line unless the test set NETDISK_PLAINTEXT (cli_runner.h).
  std::string err() const;

 private:
  pid_t pid_ = -1;
  bool plaintext_by_default_ = false;
  int stdin_ = -1;          // our end of the child's stdin pipe
  int reaped_status_ = -1;  // the exit status, once running() has seen the child end
  std::filesystem::path out_, err_;
};

class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& argv, const Env& env,
             const std::filesystem::path& cwd);
  ~PtyProcess();
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  void write(const std::string& text);
  // Reads until `needle` appears after what earlier calls consumed, and consumes up to its end.
  // Returns the text consumed; on timeout returns it too, with `found` false.
  std::string read_until(const std::string& needle, bool* found = nullptr,
                         std::chrono::seconds timeout = std::chrono::seconds(30));
  // Everything the child wrote so far.
  const std::string& transcript() const { return transcript_; }
  int wait(std::chrono::seconds timeout = std::chrono::seconds(30));

 private:
  bool pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int master_ = -1;
  std::string transcript_;
  std::size_t consumed_ = 0;
};

}  // namespace netdisk::e2e
