// Splitting a shell line into words as a POSIX shell would for plain words: blanks separate,
// 'single quotes' keep everything, "double quotes" keep everything but \" and \\, and a
// backslash outside quotes escapes the next character. No variables or pipes; what quoting did
// is kept, so the shell expands only unquoted * ? [ (local_glob.h) and completion can continue
// a word inside an open quote. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netdisk::client {

// Throws std::invalid_argument for an unterminated quote or a trailing backslash.
std::vector<std::string> split_words(std::string_view line);

// A word with what quoting did to it.
struct ShellWord {
  std::string text;       // the word as the command sees it
  std::string pattern;    // for glob(3): `text` with every quoted * ? [ and \ escaped
  bool has_glob = false;  // an unquoted * ? or [ is in it
};
// split_words() keeping the quoting. Throws like split_words().
std::vector<ShellWord> split_shell_words(std::string_view line);

// The word a line (everything before the cursor) ends in, for completion; never throws.
struct OpenWord {
  std::vector<std::string> before;  // the complete words before it
  std::string text;                 // the word so far, quotes and escapes removed
  char quote = 0;                   // the quote still open at the end ('\'' or '"'), or 0
  bool escape = false;              // the line ends in a lone backslash outside quotes
};
OpenWord open_word(std::string_view line);

// What to append to a line ending in `word` so that the word becomes `rest` longer, quoted in
// the style the word has (inside '...', inside "...", or with backslashes); `close` ends an
// open quote after it. split_words() of the result gives word.text + rest as one word.
std::string continue_word(const OpenWord& word, std::string_view rest, bool close);

// `name` as one word of a shell line: plain characters as they are, the others escaped.
std::string quote_word(std::string_view name);

}  // namespace netdisk::client
