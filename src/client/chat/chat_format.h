// How chat events look on the screen: "[10:04] alice: hi", "[10:04] (private) bob: psst",
// "[10:04] * carol joined". Times are shown as local HH:MM; names and text are made safe
// for a terminal (no control characters, so a message cannot move the cursor or recolour
// the screen). Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/message.h"

namespace netdisk::client {

// "HH:MM" in the local time zone of an ISO 8601 UTC time from the wire; the current local
// time when `iso_utc` cannot be read.
std::string local_hh_mm(std::string_view iso_utc);

// `text` with every control character (C0, DEL, C1) replaced: tab by a space, the others
// by '?'. Expects UTF-8 (the protocol guarantees it); other bytes pass through unchanged.
std::string printable(std::string_view text);

// The line a chat event shows, or nullopt for an event chat does not know (later versions
// may add some).
std::optional<std::string> format_chat_event(const protocol::Reply& event);

// One message of a chat.history reply, marked as history: "[10:04] (history) alice: hi".
std::string format_history_message(const nlohmann::json& message);

// "* in the room: alice, bob" from the `members` array of chat.join and chat.who.
std::string format_members(const nlohmann::json& members);

}  // namespace netdisk::client
