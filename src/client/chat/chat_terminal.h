// TerminalConsole: chat on a terminal, with libedit line editing (LineEditor), so the chat
// loop can wait on the keyboard and the connection at once. A line from the room never
// garbles the line being typed: the prompt and the partial input are erased, the line is
// printed, and libedit draws them again below it. Main thread only.
#pragma once

#include <string>
#include <vector>

#include "client/chat/chat_console.h"
#include "client/line_editor.h"

namespace netdisk::client {

class TerminalConsole : public ChatConsole {
 public:
  // Shows `prompt` and starts editing.
  explicit TerminalConsole(std::string prompt);
  // Stops editing and gives the terminal back as it was (the shell's prompt works again).
  ~TerminalConsole() override;
  TerminalConsole(const TerminalConsole&) = delete;
  TerminalConsole& operator=(const TerminalConsole&) = delete;

  void show(const std::string& line) override { editor_.print_above(line + "\n"); }
  void error(const std::string& line) override { show(line); }
  int input_fd() const override;
  bool read_input(std::vector<std::string>& lines) override;
  bool interrupted() override;
  void stop_input() override { editor_.stop(); }

 private:
  std::string prompt_;
  LineEditor editor_;
  int saved_inhibit_completion_ = 0;
};

}  // namespace netdisk::client
