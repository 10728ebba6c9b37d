// Talking to the person at the terminal: whether there is one, and asking a question with a
// default answer. The questions are asked on stderr and answered on stdin, and only when both
// are a terminal, so scripts and pipes never block on a prompt. Main thread only.
#pragma once

#include <string>

namespace netdisk::client {

// True when stdin and stderr are both a terminal.
bool is_interactive();

// Writes `question` to stderr and reads one line from stdin. Returns the first character of
// the answer in lower case, or `fallback` for an empty answer or end of input.
char ask(const std::string& question, char fallback);

}  // namespace netdisk::client
