// What a line typed in the chat means: text for the room, or a slash command (/msg, /who,
// /help, /quit). A line that starts with "//" is text that starts with "/". Pure functions;
// any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace netdisk::client {

struct ChatInput {
  enum class Kind {
    say,      // `text` to everyone in the room
    tell,     // `text` to the user `to` only (/msg)
    who,      // list the members (/who)
    help,     // list the slash commands (/help)
    quit,     // leave the room (/quit)
    nothing,  // an empty or blank line
    invalid,  // a slash command that cannot be run; `text` says why
  };
  Kind kind = Kind::nothing;
  std::string to;
  std::string text;
};

ChatInput parse_chat_input(std::string_view line);

// The lines /help shows.
const std::vector<std::string>& chat_help_lines();

}  // namespace netdisk::client
