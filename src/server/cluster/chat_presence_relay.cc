#include "server/cluster/chat_presence_relay.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"

namespace netdisk::server {
namespace {

constexpr std::string_view kNodesKey = "netdisk:chat:nodes";
constexpr std::chrono::milliseconds kRedisTimeout{2000};

// Replaces a node's members' set in one step (a reader never sees it half written) and
// registers the node. KEYS: the set, the nodes' set; ARGV: expiry in ms, node, names...
// SADD in slices: Lua's unpack() has a bounded stack.
constexpr std::string_view kRenewScript = R"(
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 1000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
if #ARGV > 2 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1)";

}  // namespace

ChatPresenceRelay::ChatPresenceRelay(ChatRoom& room, std::string redis_address,
                                     std::string node_name, ChatPresenceTiming timing)
    : room_(room),
      node_name_(std::move(node_name)),
      timing_(timing),
      writer_(redis_address, kRedisTimeout),
      reader_(redis_address, kRedisTimeout) {
  subscriber_ = std::make_unique<cluster::RedisSubscriber>(
      std::move(redis_address), std::vector<std::string>{std::string(kChatPresenceChannel)},
      [this](const std::string&, const std::string& payload) { on_message(payload); }, nullptr);
  room_.set_presence_hook([this](const std::string& user, bool joined) { on_local(user, joined); });
  thread_ = std::thread([this] { run(); });
}

ChatPresenceRelay::~ChatPresenceRelay() {
  room_.set_presence_hook(nullptr);
  bool was_abandoned = abandoned_;
  abandon();
  if (!was_abandoned) {
    auto removed = writer_.command({"DEL", members_key(node_name_)});
    if (!removed) {
      log_of(LogComponent::chat)
          .warn("chat: this node's members stay listed until they expire: {}",
                removed.error().message);
    }
  }
  subscriber_.reset();
}

void ChatPresenceRelay::abandon() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  abandoned_ = true;
}

std::string ChatPresenceRelay::members_key(std::string_view node) const {
  return "netdisk:chat:members:" + std::string(node);
}

void ChatPresenceRelay::on_local(const std::string& user, bool joined) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (pending_.size() >= kMaxPending) {
      log_of(LogComponent::chat)
          .warn("chat: {} joins and leaves wait for Redis; other nodes miss one of {}",
                pending_.size(), user);
      return;
    }
    pending_.emplace_back(user, joined);
  }
  wake_.notify_all();
}

void ChatPresenceRelay::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto events = std::exchange(pending_, {});
    lock.unlock();
    // Renewed before the events go out, so a node told "joined" already lists the member.
    renew();
    for (const auto& [user, joined] : events) publish(user, joined);
    lock.lock();
    wake_.wait_for(lock, timing_.renew_every, [this] { return stopping_ || !pending_.empty(); });
  }
}

void ChatPresenceRelay::renew() {
  std::vector<std::string> args = {"EVAL",
                                   std::string(kRenewScript),
                                   "2",
                                   members_key(node_name_),
                                   std::string(kNodesKey),
                                   std::to_string(timing_.expire_after.count()),
                                   node_name_};
  auto names = room_.who();
  args.insert(args.end(), names.begin(), names.end());
  if (auto renewed = writer_.command(args); !renewed) {
    log_of(LogComponent::chat)
        .warn("chat: this node's members not renewed in Redis: {}", renewed.error().message);
  }
}

void ChatPresenceRelay::publish(const std::string& user, bool joined) {
  nlohmann::json event = {{"event", joined ? "joined" : "left"}, {"user", user}, {"node", node_name_}};
  auto sent = writer_.command({"PUBLISH", std::string(kChatPresenceChannel), event.dump()});
  if (!sent) {
    log_of(LogComponent::chat)
        .warn("chat: other nodes were not told that {} {}: {}", user, joined ? "joined" : "left",
              sent.error().message);
  }
}

void ChatPresenceRelay::on_message(const std::string& payload) {
  auto json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  auto field = [&json](const char* name) -> const std::string* {
    if (!json.is_object()) return nullptr;
    auto found = json.find(name);
    return found != json.end() && found->is_string() ? &found->get_ref<const std::string&>()
                                                     : nullptr;
  };
  const std::string* event = field("event");
  const std::string* user = field("user");
  const std::string* node = field("node");
  if (!event || !user || !node || (*event != "joined" && *event != "left")) {
    log_of(LogComponent::chat).warn("chat: ignored a malformed event on {}", kChatPresenceChannel);
    return;
  }
  if (*node == node_name_) return;  // this node's members were told at once
  if (auto told = room_.deliver_presence(*user, *event == "joined"); !told.ok()) {
    log_of(LogComponent::chat).warn("chat: refused a presence event: {}", told.error().message);
  }
}

std::vector<std::string> ChatPresenceRelay::members() {
  auto names = room_.who();
  auto nodes = reader_.command({"SMEMBERS", std::string(kNodesKey)});
  if (!nodes) {
    log_of(LogComponent::chat)
        .warn("chat: only this node's members are listed: {}", nodes.error().message);
    return names;
  }
  for (const auto& node : nodes->items) {
    if (node.text == node_name_) continue;  // this node's own: the room, current to the instant
    auto listed = reader_.command({"SMEMBERS", members_key(node.text)});
    if (!listed) {
      log_of(LogComponent::chat)
          .warn("chat: members of node {} not listed: {}", node.text, listed.error().message);
      continue;
    }
    for (const auto& name : listed->items) names.push_back(name.text);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace netdisk::server
