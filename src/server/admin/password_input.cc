#include "server/admin/password_input.h"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace netdisk::server {
namespace {

// One line of stdin typed without echo; the terminal's settings come back however it ends.
std::string ask_quietly(const std::string& prompt) {
  termios saved{};
  bool quiet = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (quiet) {
    termios no_echo = saved;
    no_echo.c_lflag &= static_cast<tcflag_t>(~ECHO);
    quiet = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &no_echo) == 0;
  }
  std::cerr << prompt << std::flush;
  std::string line;
  std::getline(std::cin, line);
  if (quiet) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  std::cerr << "\n";
  return line;
}

}  // namespace

Result<std::string> read_admin_password(const std::string& username) {
  if (const char* from_env = std::getenv("NETDISK_PASSWORD")) return std::string(from_env);
  if (::isatty(STDIN_FILENO) != 0) {
    std::string first = ask_quietly(fmt::format("New password for {}: ", username));
    std::string second = ask_quietly("Repeat the password: ");
    if (first != second) return make_error(Errc::bad_request, "the two passwords differ");
    return first;
  }
  std::string line;
  if (!std::getline(std::cin, line)) {
    return make_error(Errc::bad_request,
                      "no password: set NETDISK_PASSWORD or give it as one line on stdin");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace netdisk::server
