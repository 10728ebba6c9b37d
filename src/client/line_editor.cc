#include "client/line_editor.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include <editline/readline.h>

namespace netdisk::client {
namespace {

// What libedit handed to on_line(): a line, or nullopt for Ctrl-D.
struct Finished {
  bool done = false;
  std::optional<std::string> line;
};
Finished g_finished;

// Columns a UTF-8 string takes: one per character, two for a control character (libedit
// shows it as ^X). Wide characters count as one; only erasing a line that wraps depends on it.
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

void write_terminal(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

LineEditor::LineEditor() = default;

LineEditor::~LineEditor() { stop(); }

// libedit calls this with a complete line (which we own), or with null for Ctrl-D on an
// empty line, after it has left its unbuffered mode.
void LineEditor::on_line(char* line) {
  g_finished.done = true;
  g_finished.line = line ? std::optional<std::string>(line) : std::nullopt;
  std::free(line);
}

void LineEditor::start(const std::string& prompt) {
  prompt_ = prompt;
  // Removing first makes libedit start over: raw mode, an empty line, the prompt drawn.
  if (editing_) ::rl_callback_handler_remove();
  ::rl_callback_handler_install(prompt_.c_str(), on_line);
  editing_ = true;
}

void LineEditor::stop() {
  if (!editing_) return;
  erase_input();
  ::rl_callback_handler_remove();
  editing_ = false;
}

LineEditor::Key LineEditor::read_key(std::string& line) {
  if (!editing_) return Key::end;
  g_finished = {};
  ::rl_callback_read_char();
  if (!g_finished.done) return Key::more;
  ::rl_callback_handler_remove();  // libedit has already moved below the line
  editing_ = false;
  if (!g_finished.line) {
    write_terminal("\n");  // after the ^D libedit drew
    return Key::end;
  }
  line = std::move(*g_finished.line);
  return Key::line;
}

bool LineEditor::drop_line() {
  bool had_text = rl_end > 0;
  // libedit's SIGINT handler put the terminal back in cooked mode; start() restores it.
  write_terminal("\n");
  if (editing_) start(prompt_);
  return had_text;
}

void LineEditor::print_above(const std::string& text) {
  if (!editing_) return write_terminal(text);
  erase_input();
  write_terminal(text);
  ::rl_forced_update_display();  // libedit forgets what it drew and draws prompt and line again
}

void LineEditor::erase_input() {
  // The cursor is on the row of rl_point; the prompt starts `rows` rows above it.
  std::size_t before_cursor = columns_of(prompt_.data(), prompt_.size()) +
                              columns_of(rl_line_buffer, static_cast<std::size_t>(rl_point));
  std::size_t rows = before_cursor / terminal_columns();
  std::string erase = "\r";
  if (rows > 0) erase += "\x1b[" + std::to_string(rows) + "A";
  erase += "\x1b[J";  // to the end of the screen: every row of the input
  write_terminal(erase);
}

}  // namespace netdisk::client
