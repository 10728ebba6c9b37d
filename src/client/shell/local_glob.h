// Local wildcards in the shell, which has no operating-system shell in front of it to expand
// them: each file argument of `put` with an unquoted * ? or [ becomes the local paths it
// matches (glob(3), sorted; * does not match a leading dot). A quoted or escaped pattern stays
// as typed. Main thread.
#pragma once

#include <string>
#include <vector>

#include "client/shell/line_split.h"

namespace netdisk::client {

// The words of a `put` line (the command word first) with its patterns expanded; option
// words and the values of options that take one are left alone. Throws std::invalid_argument
// naming a pattern that matches no file.
std::vector<std::string> expand_put_words(const std::vector<ShellWord>& words);

// The words as typed (no expansion), for every other command.
std::vector<std::string> plain_words(const std::vector<ShellWord>& words);

}  // namespace netdisk::client
