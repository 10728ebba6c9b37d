#include "server/chat/chat_room.h"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/time_format.h"
#include "protocol/message.h"
#include "server/logging/component_log.h"

namespace netdisk::server {
namespace {

SharedFrame make_event(std::string_view name, nlohmann::json fields) {
  fields["time"] = format_utc_now();
  return std::make_shared<const std::string>(protocol::encode_event(name, std::move(fields)));
}

Status check_text(std::string_view text) {
  if (text.empty()) return make_error(Errc::bad_request, "an empty message");
  if (text.size() > kMaxChatMessageBytes) {
    return make_error(Errc::message_too_large,
                      fmt::format("a chat message may be at most {} bytes; this one has {}",
                                  kMaxChatMessageBytes, text.size()));
  }
  // The JSON parser already guarantees UTF-8; control characters (other than tab) could
  // repaint another user's terminal, so they are refused.
  bool has_control = std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
  if (has_control) return make_error(Errc::bad_request, "control characters in a chat message");
  return {};
}

}  // namespace

template <typename Edit>
void ChatRoom::update(Edit edit) {
  std::lock_guard lock(writers_);
  auto next = std::make_shared<Snapshot>(*snapshot());
  edit(*next);
  std::erase_if(next->groups, [](const Group& group) { return group.members.empty(); });
  SnapshotPtr replaced;  // the old snapshot is released outside the pointer's lock
  {
    std::lock_guard pointer_lock(snapshot_mutex_);
    replaced = std::exchange(members_, std::move(next));
  }
}

template <typename Filter>
void ChatRoom::fan_out(const SnapshotPtr& snapshot, const SharedFrame& frame, Filter wanted) {
  for (std::size_t g = 0; g < snapshot->groups.size(); ++g) {
    const auto& group = snapshot->groups[g];
    // One task per worker; it holds the snapshot, which keeps the members alive.
    boost::asio::post(group.executor, [this, snapshot, frame, g, wanted] {
      for (const auto& member : snapshot->groups[g].members) {
        if (!wanted(*member)) continue;
        if (!member->chat_deliver(frame)) drop(member);
      }
    });
  }
}

std::vector<std::string> ChatRoom::join(const std::shared_ptr<ChatMember>& member) {
  bool added = false;
  update([&](Snapshot& next) {
    for (const auto& group : next.groups) {
      for (const auto& existing : group.members) {
        if (existing == member) return;
      }
    }
    added = true;
    auto executor = member->chat_executor();
    auto group = std::find_if(next.groups.begin(), next.groups.end(),
                              [&](const Group& g) { return g.executor == executor; });
    if (group == next.groups.end()) {
      next.groups.push_back(Group{executor, {}});
      group = std::prev(next.groups.end());
    }
    group->members.push_back(member);
  });
  if (added) {
    log_of(LogComponent::chat).info("chat: {} joined", member->chat_name());
    auto event = make_event("chat.joined", {{"user", member->chat_name()}});
    const ChatMember* self = member.get();
    fan_out(snapshot(), event, [self](const ChatMember& m) { return &m != self; });
    if (presence_hook_) presence_hook_(member->chat_name(), true);
  }
  return who();
}

void ChatRoom::leave(const ChatMember& member) {
  bool removed = false;
  update([&](Snapshot& next) {
    for (auto& group : next.groups) {
      auto before = group.members.size();
      std::erase_if(group.members, [&](const auto& m) { return m.get() == &member; });
      removed = removed || group.members.size() != before;
    }
  });
  if (!removed) return;
  log_of(LogComponent::chat).info("chat: {} left", member.chat_name());
  fan_out(snapshot(), make_event("chat.left", {{"user", member.chat_name()}}),
          [](const ChatMember&) { return true; });
  if (presence_hook_) presence_hook_(member.chat_name(), false);
}

Status ChatRoom::deliver_presence(std::string_view user, bool joined) {
  if (auto valid = check_text(user); !valid.ok()) {
    return make_error(Errc::bad_request, "a malformed member name from another node");
  }
  fan_out(snapshot(), make_event(joined ? "chat.joined" : "chat.left", {{"user", user}}),
          [](const ChatMember&) { return true; });
  return {};
}

void ChatRoom::drop(const std::shared_ptr<ChatMember>& member) {
  if (!contains(*member)) return;  // already dropped by an earlier message
  log_of(LogComponent::chat)
      .warn("chat: dropping {}: its outgoing queue is full", member->chat_name());
  member->chat_dropped(make_event(
      "chat.dropped", {{"reason", "you were removed from the chat because you stopped reading "
                                  "messages; join again to continue"}}));
  leave(*member);
}

Status ChatRoom::broadcast(const ChatMember& sender, std::string_view text) {
  if (auto valid = check_text(text); !valid.ok()) return valid;
  auto frame = make_event("chat.message", {{"from", sender.chat_name()}, {"text", text}});
  const ChatMember* self = &sender;
  fan_out(snapshot(), frame, [self](const ChatMember& m) { return &m != self; });
  if (history_) history_->record(sender.chat_name(), text, std::chrono::system_clock::now());
  if (relay_) relay_(sender.chat_name(), text);
  return {};
}

Status ChatRoom::deliver_relayed(std::string_view from, std::string_view text) {
  if (auto valid = check_text(text); !valid.ok()) return valid;
  auto frame = make_event("chat.message", {{"from", from}, {"text", text}});
  fan_out(snapshot(), frame, [](const ChatMember&) { return true; });
  return {};
}

Status ChatRoom::send_private(const ChatMember& sender, std::string_view to,
                              std::string_view text) {
  if (auto valid = check_text(text); !valid.ok()) return valid;
  auto members = snapshot();
  bool present = false;
  for (const auto& group : members->groups) {
    for (const auto& member : group.members) present = present || member->chat_name() == to;
  }
  if (!present) return make_error(Errc::not_found, fmt::format("{} is not in the chat", to));
  auto frame = make_event("chat.private", {{"from", sender.chat_name()}, {"text", text}});
  std::string recipient(to);
  fan_out(members, frame, [recipient](const ChatMember& m) { return m.chat_name() == recipient; });
  return {};
}

std::vector<std::string> ChatRoom::who() const {
  std::vector<std::string> names;
  // Held in a local: in `for (... : snapshot()->groups)` the temporary pointer dies before
  // the loop runs (C++20 range-for), and a concurrent leave() may free what is iterated.
  auto members = snapshot();
  for (const auto& group : members->groups) {
    for (const auto& member : group.members) names.push_back(member->chat_name());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool ChatRoom::contains(const ChatMember& member) const {
  auto members = snapshot();  // held for the loop, as in who()
  for (const auto& group : members->groups) {
    for (const auto& m : group.members) {
      if (m.get() == &member) return true;
    }
  }
  return false;
}

}  // namespace netdisk::server
