// Splitting a shell line into words as a POSIX shell would for plain words: blanks separate,
// 'single quotes' keep everything, "double quotes" keep everything but \" and \\, and a
// backslash outside quotes escapes the next character. No variables, globs or pipes. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netdisk::client {

// Throws std::invalid_argument for an unterminated quote or a trailing backslash.
std::vector<std::string> split_words(std::string_view line);

}  // namespace netdisk::client
