// ChatConsole: the person's side of `netdisk chat`, where typed lines come from and where the
// room's lines go. Two kinds: a terminal with line editing (chat_terminal.h) and plain
// stdin/stdout for pipes and scripts (chat_pipe.h). The chat loop (chat_command.cc) polls
// input_fd() next to the connection. Main thread only.
#pragma once

#include <string>
#include <vector>

namespace netdisk::client {

class ChatConsole {
 public:
  virtual ~ChatConsole() = default;

  // A line from the room (a message, a join, /who).
  virtual void show(const std::string& line) = 0;
  // One line about something that failed; the chat goes on.
  virtual void error(const std::string& line) = 0;

  // The descriptor to poll for input.
  virtual int input_fd() const = 0;
  // Reads what the input holds now, without waiting for more; each complete line typed goes
  // to `lines`. False at the end of input (Ctrl-D, or the end of a pipe).
  virtual bool read_input(std::vector<std::string>& lines) = 0;
  // Ctrl-C. Returns true when it should end the chat (in a pipe), false when it only dropped
  // the line being typed (on a terminal).
  virtual bool interrupted() = 0;
  // The chat is leaving: no more input, and lines still to come are printed plainly.
  virtual void stop_input() = 0;
};

}  // namespace netdisk::client
