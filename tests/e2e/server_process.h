// ServerProcess: the real build/bin/netdiskd, started for one test on an ephemeral port with
// a temporary data folder. The destructor stops it (SIGTERM, then SIGKILL), fails the test if
// its log holds a sanitizer report, and removes the folder, so every test cleans up whatever
// happens. $NETDISK_TEST_IO_THREADS, when set, is passed as --io-threads. One owner.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace netdisk::e2e {

// Where the binaries are: $NETDISK_BIN_DIR (set by CTest) or build/bin.
std::filesystem::path binary_dir();

class ServerProcess {
 public:
  // Starts netdiskd with `extra_args` and waits until it listens. Throws on failure.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  // With `http`, netdiskd also serves HTTP on an ephemeral port (see http_port()); without it
  // (the constructor above) HTTP is off, so tests never fight over the default HTTP port.
  struct WithHttp {};
  ServerProcess(WithHttp, std::vector<std::string> extra_args = {});
  // The general form, for fault injection: `wrapper` runs netdiskd under another program
  // (strace, prlimit), and `data_dir` puts the data folder elsewhere (a small loop mount).
  struct Launch {
    std::vector<std::string> args;
    std::vector<std::string> wrapper;  // e.g. {"strace", "-f", "-o", log, "--"}
    std::filesystem::path data_dir;    // empty: work_dir()/data
    bool http = false;
    // TLS on the NetDisk port, as netdiskd's default; false passes --plaintext, which the
    // tests of everything but TLS itself speak (their WireConnection is plain).
    bool tls = false;
  };
  explicit ServerProcess(Launch launch);
  // The HTTP form under a wrapper (say {"/usr/bin/strace", "-f", "-o", FILE}).
  ServerProcess(WithHttp, std::vector<std::string> extra_args, std::vector<std::string> wrapper);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The HTTP port; 0 unless constructed WithHttp.
  std::uint16_t http_port() const { return http_port_; }
  // The process started: netdiskd itself, or the wrapper (strace) when there is one.
  pid_t pid() const { return pid_; }
  // netdiskd's own pid: pid(), or the wrapper's child (strace). -1 if none.
  pid_t server_pid() const;
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& work_dir() const { return work_dir_; }
  std::string log() const;  // the server's stderr so far

  // Sends `signal` and waits for the exit; returns the exit status as from waitpid.
  int stop(int signal = 15);
  // kill -9, as a crash would.
  void kill_hard();
  // Starts the server again on the same port and data folder.
  void restart();
  // The wrapper for the next restart() (empty: none).
  void set_wrapper(std::vector<std::string> wrapper) { wrapper_ = std::move(wrapper); }
  bool running() const { return pid_ > 0; }

 private:
  void launch();

  std::filesystem::path work_dir_;
  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  std::vector<std::string> wrapper_;
  std::uint16_t port_ = 0;
  bool http_ = false;
  bool tls_ = false;
  std::uint16_t http_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace netdisk::e2e
