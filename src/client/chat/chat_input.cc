#include "client/chat/chat_input.h"

#include <algorithm>

namespace netdisk::client {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_left(std::string_view text) {
  auto start = std::find_if_not(text.begin(), text.end(), is_blank);
  return text.substr(static_cast<std::size_t>(start - text.begin()));
}

// Splits "word rest" at the first blank; the rest keeps its inner spacing.
std::pair<std::string_view, std::string_view> first_word(std::string_view text) {
  text = trim_left(text);
  auto end = std::find_if(text.begin(), text.end(), is_blank);
  auto length = static_cast<std::size_t>(end - text.begin());
  std::string_view rest = text.substr(length);
  if (!rest.empty()) rest.remove_prefix(1);  // the one blank that separates them
  return {text.substr(0, length), rest};
}

ChatInput invalid(std::string why) { return {ChatInput::Kind::invalid, {}, std::move(why)}; }

ChatInput parse_msg(std::string_view arguments) {
  auto [to, text] = first_word(arguments);
  if (to.empty() || trim_left(text).empty()) return invalid("usage: /msg NAME TEXT");
  return {ChatInput::Kind::tell, std::string(to), std::string(text)};
}

}  // namespace

ChatInput parse_chat_input(std::string_view line) {
  if (trim_left(line).empty()) return {};
  if (line.starts_with("//")) return {ChatInput::Kind::say, {}, std::string(line.substr(1))};
  if (!line.starts_with("/")) return {ChatInput::Kind::say, {}, std::string(line)};
  auto [command, arguments] = first_word(line);
  bool bare = trim_left(arguments).empty();
  if (command == "/msg") return parse_msg(arguments);
  if (command == "/who" && bare) return {ChatInput::Kind::who, {}, {}};
  if (command == "/help" && bare) return {ChatInput::Kind::help, {}, {}};
  if (command == "/quit" && bare) return {ChatInput::Kind::quit, {}, {}};
  if (command == "/who" || command == "/help" || command == "/quit") {
    return invalid(std::string(command) + " takes no arguments");
  }
  return invalid("unknown command " + std::string(command) +
                 "; /help lists them (start a line with // to send a line that begins with /)");
}

const std::vector<std::string>& chat_help_lines() {
  static const std::vector<std::string> lines = {
      "  TEXT            say TEXT to everyone in the room",
      "  /msg NAME TEXT  say TEXT to NAME only",
      "  /who            who is in the room",
      "  /quit           leave the room (also Ctrl-D)",
      "  /help           this list",
      "  //TEXT          say /TEXT (a line that starts with / must start with //)",
  };
  return lines;
}

}  // namespace netdisk::client
