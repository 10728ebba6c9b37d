#include "client/terminal.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>

namespace netdisk::client {

bool is_interactive() { return ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO); }

char ask(const std::string& question, char fallback) {
  (void)!::write(STDERR_FILENO, question.data(), question.size());
  // Byte by byte from the descriptor: stdin's buffer must not swallow what the shell reads next.
  std::string answer;
  char c = 0;
  while (true) {
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n' || c == '\r') break;
    answer.push_back(c);
  }
  for (char letter : answer) {
    if (!std::isspace(static_cast<unsigned char>(letter))) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
    }
  }
  return fallback;
}

}  // namespace netdisk::client
