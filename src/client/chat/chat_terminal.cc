#include "client/chat/chat_terminal.h"

#include <unistd.h>

#include <editline/readline.h>

namespace netdisk::client {

TerminalConsole::TerminalConsole(std::string prompt) : prompt_(std::move(prompt)) {
  // Tab is text in a chat line, not the shell's completion of remote names.
  saved_inhibit_completion_ = rl_inhibit_completion;
  rl_inhibit_completion = 1;
  editor_.start(prompt_);
}

TerminalConsole::~TerminalConsole() {
  editor_.stop();
  rl_inhibit_completion = saved_inhibit_completion_;
}

int TerminalConsole::input_fd() const { return STDIN_FILENO; }

bool TerminalConsole::read_input(std::vector<std::string>& lines) {
  if (!editor_.editing()) return false;
  std::string line;
  switch (editor_.read_key(line)) {
    case LineEditor::Key::more:
      return true;
    case LineEditor::Key::line:
      editor_.start(prompt_);  // the next line's prompt, before what this one prints
      lines.push_back(std::move(line));
      return true;
    case LineEditor::Key::end:
      return false;
  }
  return true;
}

bool TerminalConsole::interrupted() {
  if (!editor_.editing()) return false;
  if (!editor_.drop_line()) show("* /quit or Ctrl-D leaves the chat");
  return false;
}

}  // namespace netdisk::client
