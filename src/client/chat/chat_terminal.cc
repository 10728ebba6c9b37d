#include "client/chat/chat_terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <editline/readline.h>

namespace netdisk::client {
namespace {

TerminalConsole* g_console = nullptr;

// Columns a UTF-8 string takes: one per character, two for a control character (libedit
// shows it as ^X). Wide characters are counted as one; only the erasing of a line that
// wraps depends on it.
std::size_t columns_of(const char* text, std::size_t bytes) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xc0) == 0x80) continue;  // a continuation byte
    columns += byte < 0x20 || byte == 0x7f ? 2 : 1;
  }
  return columns;
}

std::size_t terminal_columns() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

TerminalConsole::TerminalConsole(std::string prompt) : prompt_(std::move(prompt)) {
  g_console = this;
  // Tab is text in a chat line, not the shell's completion of remote names.
  saved_inhibit_completion_ = rl_inhibit_completion;
  rl_inhibit_completion = 1;
  start_line();
}

TerminalConsole::~TerminalConsole() {
  stop_input();
  rl_inhibit_completion = saved_inhibit_completion_;
  g_console = nullptr;
}

int TerminalConsole::input_fd() const { return STDIN_FILENO; }

// libedit calls this with a complete line (which we own), or with null for Ctrl-D on an
// empty line. libedit leaves its unbuffered mode before the call, so the handler is
// installed again for the next line; that also clears the line and draws a fresh prompt.
void TerminalConsole::on_line(char* line) {
  TerminalConsole* self = g_console;
  if (self == nullptr) return std::free(line);
  if (line == nullptr) {
    self->ended_ = true;
    return;
  }
  self->typed_.emplace_back(line);
  std::free(line);
  self->start_line();
}

void TerminalConsole::start_line() {
  // Removing first makes libedit start over: raw mode, an empty line, the prompt drawn.
  if (editing_) ::rl_callback_handler_remove();
  ::rl_callback_handler_install(prompt_.c_str(), on_line);
  editing_ = true;
}

bool TerminalConsole::read_input(std::vector<std::string>& lines) {
  if (editing_) ::rl_callback_read_char();  // one key; a whole line calls on_line()
  lines.insert(lines.end(), typed_.begin(), typed_.end());
  typed_.clear();
  return !ended_;
}

bool TerminalConsole::interrupted() {
  // libedit's SIGINT handler put the terminal back in cooked mode; start_line() restores it.
  if (!editing_) return false;
  bool had_text = rl_end > 0;
  write_out("\n");
  start_line();
  if (!had_text) show("* /quit or Ctrl-D leaves the chat");
  return false;
}

void TerminalConsole::stop_input() {
  if (!editing_) return;
  erase_input();
  ::rl_callback_handler_remove();
  editing_ = false;
}

void TerminalConsole::show(const std::string& line) {
  if (!editing_) return write_out(line + "\n");
  erase_input();
  write_out(line + "\n");
  ::rl_forced_update_display();  // libedit forgets what it drew and draws prompt and line again
}

void TerminalConsole::erase_input() {
  // The cursor is on the row of rl_point; the prompt starts `rows` rows above it.
  std::size_t before_cursor = columns_of(prompt_.data(), prompt_.size()) +
                              columns_of(rl_line_buffer, static_cast<std::size_t>(rl_point));
  std::size_t rows = before_cursor / terminal_columns();
  std::string erase = "\r";
  if (rows > 0) erase += "\x1b[" + std::to_string(rows) + "A";
  erase += "\x1b[J";  // to the end of the screen: every row of the input
  write_out(erase);
}

void TerminalConsole::write_out(const std::string& text) {
  // libedit draws through stdout's FILE, so this goes the same way, in order.
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace netdisk::client
