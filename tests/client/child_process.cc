#include "tests/client/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/sanitizer_report.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// In the child, after fork: the environment, then exec. Never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const Env& env) {
  // Only the standard streams: descriptors the test opened without O_CLOEXEC are not the
  // client's (tests/e2e/server_process.cc).
  ::close_range(3, ~0U, 0);
  ::unsetenv("NETDISK_PASSWORD");
  // Test servers speak plain text unless a test asks for TLS (server_process.h); a TLS test
  // passes NETDISK_PLAINTEXT=0.
  ::setenv("NETDISK_PLAINTEXT", "1", 1);
  for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

int wait_for(pid_t& pid, std::chrono::seconds timeout) {
  if (pid < 0) return -1;
  auto deadline = Clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      pid = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const Env& env,
                           const fs::path& output_dir, bool piped_stdin)
    : out_(output_dir / ("child-" + std::to_string(::getpid()) + "-" +
                         std::to_string(Clock::now().time_since_epoch().count()) + ".out")),
      err_(out_.string() + ".err") {
  plaintext_by_default_ = !env.contains("NETDISK_PLAINTEXT");
  int input[2] = {-1, -1};
  if (piped_stdin && ::pipe2(input, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = piped_stdin ? input[0] : ::open("/dev/null", O_RDONLY);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::setsid();  // no terminal: the client behaves as in a script
    exec_child(argv, env);
  }
  if (piped_stdin) {
    ::close(input[0]);
    stdin_ = input[1];
  }
}

ChildProcess::~ChildProcess() {
  close_stdin();
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_, std::chrono::seconds(10));
  }
  expect_no_sanitizer_report("netdisk (background)", err());
}

void ChildProcess::write_stdin(const std::string& text) {
  ::signal(SIGPIPE, SIG_IGN);  // a child that has gone is an EPIPE here, not our death
  std::string_view rest = text;
  while (!rest.empty() && stdin_ >= 0) {
    ssize_t n = ::write(stdin_, rest.data(), rest.size());
    if (n <= 0) return;  // the child has gone; what it printed tells the test why
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ChildProcess::close_stdin() {
  if (stdin_ >= 0) ::close(stdin_);
  stdin_ = -1;
}

bool ChildProcess::wait_for_out(const std::string& needle, std::size_t from,
                                std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    bool was_running = running();
    if (out().find(needle, from) != std::string::npos) return true;
    if (!was_running) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void ChildProcess::signal(int signal_number) {
  if (pid_ > 0) ::kill(pid_, signal_number);
}

int ChildProcess::wait(std::chrono::seconds timeout) {
  if (pid_ < 0) return reaped_status_;  // running() saw it end
  return wait_for(pid_, timeout);
}

bool ChildProcess::running() {
  if (pid_ < 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
  reaped_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  pid_ = -1;
  return false;
}

std::string ChildProcess::out() const { return slurp(out_); }
std::string ChildProcess::err() const {
  return plaintext_by_default_ ? without_plaintext_notice(slurp(err_)) : slurp(err_);
}

PtyProcess::PtyProcess(const std::vector<std::string>& argv, const Env& env, const fs::path& cwd) {
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
  if (pid_ < 0) throw std::runtime_error("forkpty failed");
  if (pid_ == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    exec_child(argv, env);
  }
  ::fcntl(master_, F_SETFD, FD_CLOEXEC);
}

PtyProcess::~PtyProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait_for(pid_, std::chrono::seconds(10));
  }
  if (master_ >= 0) ::close(master_);
  expect_no_sanitizer_report("netdisk (terminal)", transcript_);
}

void PtyProcess::write(const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    ssize_t n = ::write(master_, rest.data(), rest.size());
    if (n <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool PtyProcess::pump(std::chrono::milliseconds timeout) {
  pollfd pfd{master_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  ssize_t n = ::read(master_, buffer, sizeof buffer);
  if (n <= 0) return false;  // EIO once the child has gone
  transcript_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::string PtyProcess::read_until(const std::string& needle, bool* found,
                                   std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::size_t at;
  while ((at = transcript_.find(needle, consumed_)) == std::string::npos) {
    if (Clock::now() > deadline) {
      if (found != nullptr) *found = false;
      return transcript_.substr(consumed_);
    }
    pump(std::chrono::milliseconds(50));
  }
  std::string text = transcript_.substr(consumed_, at + needle.size() - consumed_);
  consumed_ = at + needle.size();
  if (found != nullptr) *found = true;
  return text;
}

int PtyProcess::wait(std::chrono::seconds timeout) {
  // Keep reading, or a child with a full pty buffer could never finish.
  auto deadline = Clock::now() + timeout;
  while (pid_ > 0 && Clock::now() < deadline) {
    pump(std::chrono::milliseconds(20));
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      while (pump(std::chrono::milliseconds(20))) {
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
  }
  return wait_for(pid_, std::chrono::seconds(0));
}

}  // namespace netdisk::e2e
