// PipeConsole: chat for scripts, when stdin or stdout is not a terminal. Lines are read from
// stdin and sent as they come; the room's lines go to stdout and errors to stderr, one per
// line, with no control characters; the end of stdin leaves the room. Main thread only.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "client/chat/chat_console.h"

namespace netdisk::client {

class PipeConsole : public ChatConsole {
 public:
  // A longer line is cut to this length (the server refuses it as message_too_large).
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;

  void show(const std::string& line) override;
  void error(const std::string& line) override;
  int input_fd() const override;
  bool read_input(std::vector<std::string>& lines) override;
  bool interrupted() override { return true; }
  void stop_input() override {}

 private:
  std::string partial_;  // the start of a line whose end has not arrived
};

}  // namespace netdisk::client
