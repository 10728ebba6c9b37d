// LineEditor: libedit's readline-compatible callback interface, for loops that wait on the
// keyboard and on something else at once: the shell also watches the Ctrl-C flag (a blocking
// readline() can miss a Ctrl-C that lands between two reads), chat also watches its
// connection. Keys are fed in one at a time with read_key() when stdin is readable. libedit
// calls back through a C function pointer, so one LineEditor exists at a time. Main thread.
#pragma once

#include <string>

namespace netdisk::client {

class LineEditor {
 public:
  LineEditor();
  ~LineEditor();  // stop()s
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // Draws `prompt` on a new, empty line and puts the terminal in raw mode for editing.
  void start(const std::string& prompt);
  // Erases the prompt and the partial line and gives the terminal back in cooked mode.
  void stop();
  bool editing() const noexcept { return editing_; }

  enum class Key { more, line, end };
  // Reads one key. `line` when Enter finished a line (in `line`, and editing has stopped:
  // start() again for the next one), `end` for Ctrl-D on an empty line (editing stopped).
  Key read_key(std::string& line);
  // Ctrl-C: leaves the partial line on the screen and starts an empty one below it. Returns
  // whether there was anything typed.
  bool drop_line();
  // Prints `text` (whole lines) above the prompt and the partial line, which are drawn again
  // below it; the line being typed is not touched.
  void print_above(const std::string& text);

 private:
  static void on_line(char* line);
  void erase_input();

  std::string prompt_;
  bool editing_ = false;
};

// Writes through stdout's FILE, the way libedit draws, so the two stay in order.
void write_terminal(const std::string& text);

}  // namespace netdisk::client
