// TerminalConsole: chat on a terminal, with libedit's line editing through its
// readline-compatible callback interface, so the chat loop can wait on the keyboard and the
// connection at once. A line from the room never garbles the line being typed: the prompt
// and the partial input are erased, the line is printed, and libedit redraws them below it.
// libedit calls back through a C function pointer, so one TerminalConsole exists at a time.
// Main thread only.
#pragma once

#include <string>
#include <vector>

#include "client/chat/chat_console.h"

namespace netdisk::client {

class TerminalConsole : public ChatConsole {
 public:
  // Shows `prompt` and starts editing.
  explicit TerminalConsole(std::string prompt);
  // Stops editing and gives the terminal back as it was (the shell's readline() works again).
  ~TerminalConsole() override;
  TerminalConsole(const TerminalConsole&) = delete;
  TerminalConsole& operator=(const TerminalConsole&) = delete;

  void show(const std::string& line) override;
  void error(const std::string& line) override { show(line); }
  int input_fd() const override;
  bool read_input(std::vector<std::string>& lines) override;
  bool interrupted() override;
  void stop_input() override;

 private:
  static void on_line(char* line);
  void start_line();
  void erase_input();
  void write_out(const std::string& text);

  std::string prompt_;
  bool editing_ = false;
  bool ended_ = false;  // Ctrl-D
  std::vector<std::string> typed_;
  int saved_inhibit_completion_ = 0;
};

}  // namespace netdisk::client
