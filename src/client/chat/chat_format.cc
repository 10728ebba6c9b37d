#include "client/chat/chat_format.h"

#include <cstdio>
#include <ctime>

namespace netdisk::client {
namespace {

// A string field of an event, or `fallback` when it is missing or not a string.
std::string string_or(const nlohmann::json& body, const char* name, const char* fallback) {
  auto found = body.find(name);
  if (found == body.end() || !found->is_string()) return fallback;
  return found->get<std::string>();
}

std::string field(const nlohmann::json& body, const char* name) {
  return printable(string_or(body, name, "?"));
}

}  // namespace

std::string local_hh_mm(std::string_view iso_utc) {
  std::tm utc{};
  std::string text(iso_utc);
  int consumed = 0;
  int matched = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon,
                            &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed);
  std::time_t when = std::time(nullptr);
  if (matched == 6 && consumed == 19) {
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    when = ::timegm(&utc);
  }
  std::tm local{};
  ::localtime_r(&when, &local);
  char shown[16];
  std::strftime(shown, sizeof shown, "%H:%M", &local);
  return shown;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\t') {
      out += ' ';
    } else if (byte < 0x20 || byte == 0x7f) {
      out += '?';
    } else if (byte == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += '?';  // U+0080..U+009F: C1 controls, which some terminals obey (U+009B is CSI)
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<std::string> format_chat_event(const protocol::Reply& event) {
  if (!event.event) return std::nullopt;
  const auto& name = *event.event;
  const auto& body = event.body;
  std::string stamp = "[" + local_hh_mm(string_or(body, "time", "")) + "] ";
  if (name == "chat.message") return stamp + field(body, "from") + ": " + field(body, "text");
  if (name == "chat.private") {
    return stamp + "(private) " + field(body, "from") + ": " + field(body, "text");
  }
  if (name == "chat.joined") return stamp + "* " + field(body, "user") + " joined";
  if (name == "chat.left") return stamp + "* " + field(body, "user") + " left";
  if (name == "chat.dropped") return stamp + "* " + field(body, "reason");
  return std::nullopt;
}

std::string format_history_message(const nlohmann::json& message) {
  if (!message.is_object()) return "[--:--] (history) ?";
  return "[" + local_hh_mm(string_or(message, "time", "")) + "] (history) " +
         field(message, "from") + ": " + field(message, "text");
}

std::string format_members(const nlohmann::json& members) {
  std::string line = "* in the room:";
  const char* separator = " ";
  if (members.is_array()) {
    for (const auto& member : members) {
      line += separator + (member.is_string() ? printable(member.get<std::string>()) : "?");
      separator = ", ";
    }
  }
  return line;
}

}  // namespace netdisk::client
