#include "tests/e2e/cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "client/server_link.h"
#include "tests/e2e/sanitizer_report.h"
#include "tests/e2e/server_process.h"

extern char** environ;

namespace netdisk::e2e {
namespace {

std::vector<std::string> build_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    std::string name = text.substr(0, text.find('='));
    if (name == "NETDISK_PASSWORD" || name == "NETDISK_PLAINTEXT" || extra.contains(name)) {
      continue;
    }
    out.push_back(text);
  }
  // Test servers speak plain text unless a test asks for TLS (server_process.h).
  if (!extra.contains("NETDISK_PLAINTEXT")) out.push_back("NETDISK_PLAINTEXT=1");
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

}  // namespace

std::string without_plaintext_notice(std::string err) {
  std::string_view notice = client::kPlaintextNotice;
  if (auto at = err.find(notice); at != std::string::npos) err.erase(at, notice.size());
  return err;
}

CliResult run_program(const std::filesystem::path& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env,
                      const std::string& stdin_text, std::chrono::seconds timeout) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) || ::pipe2(out_pipe, O_CLOEXEC) || ::pipe2(err_pipe, O_CLOEXEC)) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> argv_text = {program.string()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  auto env_text = build_environment(env);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::setsid();  // no controlling terminal: the client must not find /dev/tty
    ::close_range(3, ~0U, 0);  // nothing else the test holds (server_process.cc says why)
    std::vector<char*> argv, envp;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    for (auto& entry : env_text) envp.push_back(entry.data());
    envp.push_back(nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!stdin_text.empty()) {
    (void)!::write(in_pipe[1], stdin_text.data(), stdin_text.size());
  }
  ::close(in_pipe[1]);

  CliResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[65536];
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  if (timed_out) ::kill(pid, SIGKILL);
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = (!timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  expect_no_sanitizer_report(program.filename().string(), result.err);
  return result;
}

CliResult run_netdisk(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env,
                      const std::string& stdin_text, std::chrono::seconds timeout) {
  auto result = run_program(binary_dir() / "netdisk", args, env, stdin_text, timeout);
  if (!env.contains("NETDISK_PLAINTEXT")) result.err = without_plaintext_notice(result.err);
  return result;
}

CliResult run_shell(const std::string& command) {
  return run_program("/bin/sh", {"-c", command});
}

}  // namespace netdisk::e2e
