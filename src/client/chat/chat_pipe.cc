#include "client/chat/chat_pipe.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string_view>

namespace netdisk::client {
namespace {

void write_line(std::FILE* stream, const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);  // a script waiting for this line sees it now
}

}  // namespace

void PipeConsole::show(const std::string& line) { write_line(stdout, line); }

void PipeConsole::error(const std::string& line) { write_line(stderr, line); }

int PipeConsole::input_fd() const { return STDIN_FILENO; }

bool PipeConsole::read_input(std::vector<std::string>& lines) {
  char buffer[16 * 1024];
  ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {  // the end of input (or an error, which ends it too)
    if (!partial_.empty()) lines.push_back(std::move(partial_));
    partial_.clear();
    return false;
  }
  std::string_view rest(buffer, static_cast<std::size_t>(n));
  while (!rest.empty()) {
    auto newline = rest.find('\n');
    std::string_view piece = rest.substr(0, newline);
    // partial_ never holds more than kMaxLineBytes + 1 bytes: enough to be refused.
    partial_.append(piece.substr(0, kMaxLineBytes + 1 - partial_.size()));
    if (newline == std::string_view::npos) break;
    if (partial_.ends_with('\r')) partial_.pop_back();
    lines.push_back(std::move(partial_));
    partial_.clear();
    rest.remove_prefix(newline + 1);
  }
  return true;
}

}  // namespace netdisk::client
