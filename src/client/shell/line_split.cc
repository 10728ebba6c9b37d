#include "client/shell/line_split.h"

#include <stdexcept>

namespace netdisk::client {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool is_glob(char c) { return c == '*' || c == '?' || c == '['; }

// Characters a plain word escapes: what split_words() and glob expansion treat specially, and
// what a POSIX shell would, so a completed line also reads right to people who know sh.
bool needs_escape(char c) {
  return is_blank(c) || is_glob(c) ||
         std::string_view("'\"\\$`!&;|<>(){}#~").find(c) != std::string_view::npos;
}

// One pass over a line: the words so far, the word being read and the quoting at the end.
struct Scan {
  std::vector<ShellWord> words;
  ShellWord word;
  bool in_word = false;
  char quote = 0;       // the open quote character, or 0
  bool escape = false;  // a backslash outside quotes waits for its character

  void add(char c, bool quoted) {
    word.text += c;
    if (quoted && (is_glob(c) || c == '\\')) word.pattern += '\\';
    word.pattern += c;
    if (!quoted && is_glob(c)) word.has_glob = true;
  }
  void end_word() {
    if (in_word) words.push_back(std::move(word));
    word = {};
    in_word = false;
  }
  void step(std::string_view line, std::size_t& i);
};

void Scan::step(std::string_view line, std::size_t& i) {
  char c = line[i];
  if (escape) {
    add(c, true);
    escape = false;
  } else if (quote == '\'') {
    if (c == '\'')
      quote = 0;
    else
      add(c, true);
  } else if (quote == '"') {
    if (c == '"') {
      quote = 0;
    } else if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
      add(line[++i], true);
    } else {
      add(c, true);
    }
  } else if (is_blank(c)) {
    end_word();
  } else {
    in_word = true;
    if (c == '\'' || c == '"')
      quote = c;
    else if (c == '\\')
      escape = true;
    else
      add(c, false);
  }
}

Scan scan(std::string_view line) {
  Scan state;
  for (std::size_t i = 0; i < line.size(); ++i) state.step(line, i);
  return state;
}

}  // namespace

std::vector<ShellWord> split_shell_words(std::string_view line) {
  Scan state = scan(line);
  if (state.quote != 0) {
    throw std::invalid_argument(std::string("unterminated ") + state.quote + " quote");
  }
  if (state.escape) throw std::invalid_argument("a backslash ends the line");
  state.end_word();
  return std::move(state.words);
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  for (auto& word : split_shell_words(line)) words.push_back(std::move(word.text));
  return words;
}

OpenWord open_word(std::string_view line) {
  Scan state = scan(line);
  OpenWord open;
  for (auto& word : state.words) open.before.push_back(std::move(word.text));
  open.text = std::move(state.word.text);
  open.quote = state.quote;
  open.escape = state.escape;
  return open;
}

std::string continue_word(const OpenWord& word, std::string_view rest, bool close) {
  std::string out;
  bool escaped = word.escape;  // the line's own trailing backslash escapes the first character
  for (char c : rest) {
    if (word.quote == '\'') {
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    } else if (word.quote == '"') {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    } else {
      if (!escaped && needs_escape(c)) out += '\\';
      out += c;
    }
    escaped = false;
  }
  if (close && word.quote != 0) out += word.quote;
  return out;
}

std::string quote_word(std::string_view name) {
  if (name.empty()) return "''";
  return continue_word(OpenWord{}, name, true);
}

}  // namespace netdisk::client
