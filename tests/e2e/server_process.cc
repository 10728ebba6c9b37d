#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "tests/e2e/sanitizer_report.h"

namespace netdisk::e2e {

namespace fs = std::filesystem;

fs::path binary_dir() {
  if (const char* dir = std::getenv("NETDISK_BIN_DIR")) return dir;
  return fs::path(NETDISK_SOURCE_DIR) / "build" / "bin";
}

namespace {
ServerProcess::Launch plain(std::vector<std::string> args, bool http) {
  ServerProcess::Launch launch;
  launch.args = std::move(args);
  launch.http = http;
  return launch;
}
}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : ServerProcess(plain(std::move(extra_args), false)) {}

ServerProcess::ServerProcess(WithHttp, std::vector<std::string> extra_args)
    : ServerProcess(plain(std::move(extra_args), true)) {}

ServerProcess::ServerProcess(Launch options)
    : extra_args_(std::move(options.args)),
      wrapper_(std::move(options.wrapper)),
      http_(options.http),
      tls_(options.tls) {
  std::string pattern = (fs::temp_directory_path() / "netdisk-e2e-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  work_dir_ = pattern;
  data_dir_ = options.data_dir.empty() ? work_dir_ / "data" : options.data_dir;
  launch();
}

pid_t ServerProcess::server_pid() const {
  if (!running() || wrapper_.empty()) return pid_;
  // Some wrappers (prlimit) exec netdiskd in their own process.
  std::ifstream comm("/proc/" + std::to_string(pid_) + "/comm");
  std::string name;
  if (comm >> name && name == "netdiskd") return pid_;
  // The wrapper (strace) runs netdiskd as its only child; it may take a moment to appear.
  for (int attempt = 0; attempt < 500; ++attempt) {
    std::ifstream children("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) +
                           "/children");
    pid_t child = -1;
    if (children >> child && child > 0) return child;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

ServerProcess::ServerProcess(WithHttp, std::vector<std::string> extra_args,
                             std::vector<std::string> wrapper)
    : ServerProcess(Launch{std::move(extra_args), std::move(wrapper), {}, true}) {}

ServerProcess::~ServerProcess() {
  // A graceful stop, so that a sanitizer build also runs its exit-time checks (LeakSanitizer,
  // races in the shutdown path); stop() still kills after its deadline.
  if (running()) stop(SIGTERM);
  expect_no_sanitizer_report("netdiskd", log());
  std::error_code ignored;
  fs::remove_all(work_dir_, ignored);
}

void ServerProcess::launch() {
  fs::path port_file = work_dir_ / "port";
  fs::remove(port_file);
  std::vector<std::string> args = wrapper_;
  args.insert(args.end(), {(binary_dir() / "netdiskd").string(),
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(port_),
                                   "--data",
                                   data_dir_.string(),
                                   "--port-file",
                                   port_file.string()});
  // Debug logs unless the test sets its own levels (an option may be given only once).
  if (std::find(extra_args_.begin(), extra_args_.end(), "--log-level") == extra_args_.end()) {
    args.insert(args.end(), {"--log-level", "debug"});
  }
  fs::path http_port_file = work_dir_ / "http-port";
  fs::remove(http_port_file);
  if (http_) {
    args.insert(args.end(), {"--http", "127.0.0.1:" + std::to_string(http_port_),
                             "--http-port-file", http_port_file.string()});
  } else {
    args.insert(args.end(), {"--http", "off"});
  }
  if (!tls_) args.push_back("--plaintext");
  // NETDISK_TEST_IO_THREADS runs every test's server with that many I/O threads (the TSan
  // stage sets it, so the concurrency tests cross threads); a test's own choice wins.
  const char* io_threads = std::getenv("NETDISK_TEST_IO_THREADS");
  if (io_threads != nullptr && *io_threads != '\0' &&
      std::find(extra_args_.begin(), extra_args_.end(), "--io-threads") == extra_args_.end()) {
    args.insert(args.end(), {"--io-threads", io_threads});
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::string log_path = (work_dir_ / "server.log").string();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // If the test process dies (a crash, an uncaught exception), the server must die with it:
    // an orphaned server would hold CTest's output pipe open and hang the whole run.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      ::dup2(log, STDERR_FILENO);
      ::dup2(log, STDOUT_FILENO);
    }
    // Sockets and pipes the test opened without O_CLOEXEC (on any of its threads) are none of
    // the server's business: they would count against its descriptor limit and keep the test's
    // connections open after the test closed them.
    ::close_range(3, ~0U, 0);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("netdiskd exited at start-up:\n" + log());
    }
    std::ifstream in(port_file);
    unsigned port = 0;
    if (in >> port && port != 0) {
      port_ = static_cast<std::uint16_t>(port);
      if (!http_) return;
      // Both files must be there; the HTTP one may come a moment after the TCP one.
      std::ifstream http_in(http_port_file);
      unsigned bound = 0;
      if (http_in >> bound && bound != 0) {
        http_port_ = static_cast<std::uint16_t>(bound);
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop(SIGKILL);
  throw std::runtime_error("netdiskd did not start listening within 30 s:\n" + log());
}

std::string ServerProcess::log() const {
  std::ifstream in(work_dir_ / "server.log");
  return {std::istreambuf_iterator<char>(in), {}};
}

int ServerProcess::stop(int signal) {
  if (!running()) return -1;
  // A wrapper such as strace would detach and leave netdiskd running: signal netdiskd itself,
  // and the wrapper exits when its child does.
  pid_t server = server_pid();
  if (server > 0 && server != pid_) ::kill(server, signal);
  if (server == pid_ || signal == SIGKILL) ::kill(pid_, signal);
  int status = 0;
  // A graceful stop has a grace period; after 30 s something is wrong, so make sure.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  return status;
}

void ServerProcess::kill_hard() { stop(SIGKILL); }

void ServerProcess::restart() {
  if (running()) stop();
  launch();
}

}  // namespace netdisk::e2e
