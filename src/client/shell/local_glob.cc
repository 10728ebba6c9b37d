#include "client/shell/local_glob.h"

#include <glob.h>

#include <set>
#include <stdexcept>
#include <string_view>

namespace netdisk::client {
namespace {

// put's options that take a value (command_table.cc): their value is a name or a number.
const std::set<std::string_view> kOptionsWithValue = {"--to", "-j", "--jobs", "--limit-rate"};

void append_matches(const ShellWord& word, std::vector<std::string>& out) {
  glob_t found{};
  int rc = ::glob(word.pattern.c_str(), 0, nullptr, &found);
  if (rc == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      std::string path = found.gl_pathv[i];
      // A file named "-x" must stay a file name, not become an option of put.
      out.push_back(path.starts_with('-') ? "./" + path : path);
    }
  }
  ::globfree(&found);
  if (rc == GLOB_NOMATCH) throw std::invalid_argument("put: no local file matches " + word.text);
  if (rc != 0) throw std::invalid_argument("put: cannot expand " + word.text);
}

}  // namespace

std::vector<std::string> expand_put_words(const std::vector<ShellWord>& words) {
  std::vector<std::string> out;
  bool option_value = false;  // this word is the value of the option before it
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& word = words[i];
    bool literal = i == 0 || option_value || word.text.starts_with('-') || !word.has_glob;
    option_value = kOptionsWithValue.contains(word.text);
    if (literal)
      out.push_back(word.text);
    else
      append_matches(word, out);
  }
  return out;
}

std::vector<std::string> plain_words(const std::vector<ShellWord>& words) {
  std::vector<std::string> out;
  for (const auto& word : words) out.push_back(word.text);
  return out;
}

}  // namespace netdisk::client
