#include "client/password_prompt.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace netdisk::client {
namespace {

// Restores the terminal's echo however the read ends.
class NoEcho {
 public:
  explicit NoEcho(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
      active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~NoEcho() {
    if (active_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

std::string prompt_terminal(const std::string& prompt) {
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    throw std::runtime_error("no terminal to ask for the password; set NETDISK_PASSWORD");
  }
  std::string password;
  {
    NoEcho quiet(tty);
    (void)!::write(tty, prompt.data(), prompt.size());
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r') password.push_back(c);
    (void)!::write(tty, "\n", 1);
  }
  ::close(tty);
  return password;
}

}  // namespace

std::string read_password(const std::string& prompt) {
  if (const char* from_env = std::getenv("NETDISK_PASSWORD")) return from_env;
  return prompt_terminal(prompt);
}

std::string read_new_password(const std::string& prompt, const char* variable) {
  if (const char* from_env = std::getenv(variable)) return from_env;
  std::string first = prompt_terminal(prompt);
  std::string second = prompt_terminal("Repeat the password: ");
  if (first != second) throw std::runtime_error("the two passwords differ");
  return first;
}

}  // namespace netdisk::client
