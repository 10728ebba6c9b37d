#include "server/cluster/chat_relay.h"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "server/logging/component_log.h"

namespace netdisk::server {

ChatRelay::ChatRelay(ChatRoom& room, std::string redis_address, std::string node_name,
                     boost::asio::thread_pool& blocking_pool)
    : room_(room),
      node_name_(std::move(node_name)),
      redis_(redis_address, std::chrono::milliseconds(2000)),
      strand_(boost::asio::make_strand(blocking_pool.get_executor())) {
  subscriber_ = std::make_unique<cluster::RedisSubscriber>(
      std::move(redis_address), std::vector<std::string>{std::string(kChatChannel)},
      [this](const std::string&, const std::string& payload) { on_message(payload); }, nullptr);
  room_.set_relay([this](const std::string& from, std::string_view text) { publish(from, text); });
}

ChatRelay::~ChatRelay() {
  room_.set_relay(nullptr);
  subscriber_.reset();
  // Messages still queued hold `this`: wait for them (each is bounded by Redis' timeout).
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queued_ == 0; });
}

void ChatRelay::publish(const std::string& from, std::string_view text) {
  {
    std::lock_guard lock(mutex_);
    if (queued_ >= kMaxQueued) {
      log_of(LogComponent::chat)
          .warn("chat: {} messages wait for Redis; one from {} reaches this node only", queued_,
                from);
      return;
    }
    ++queued_;
  }
  auto when = std::chrono::system_clock::now();
  nlohmann::json message = {{"room", "main"},
                            {"from", from},
                            {"text", text},
                            {"time", format_utc(when)},
                            {"node", node_name_}};
  boost::asio::post(strand_, [this, payload = message.dump(), from] { send(payload, from); });
}

void ChatRelay::send(const std::string& payload, const std::string& from) {
  auto sent = redis_.command({"PUBLISH", std::string(kChatChannel), payload});
  if (sent) {
    published_.fetch_add(1);
  } else {
    log_of(LogComponent::chat)
        .warn("chat: a message from {} reached this node only: {}", from, sent.error().message);
  }
  std::lock_guard lock(mutex_);
  if (--queued_ == 0) drained_.notify_all();
}

void ChatRelay::on_message(const std::string& payload) {
  auto json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  auto text = json.is_object() ? json.find("text") : json.end();
  auto from = json.is_object() ? json.find("from") : json.end();
  auto node = json.is_object() ? json.find("node") : json.end();
  if (!json.is_object() || text == json.end() || from == json.end() || node == json.end() ||
      !text->is_string() || !from->is_string() || !node->is_string()) {
    log_of(LogComponent::chat).warn("chat: ignored a malformed message on {}", kChatChannel);
    return;
  }
  // This node's own members had it at once, from broadcast(): the echo is skipped.
  if (node->get_ref<const std::string&>() == node_name_) return;
  relayed_in_.fetch_add(1);
  auto delivered = room_.deliver_relayed(from->get_ref<const std::string&>(),
                                         text->get_ref<const std::string&>());
  if (!delivered.ok()) {
    log_of(LogComponent::chat)
        .warn("chat: refused a relayed message: {}", delivered.error().message);
  }
}

}  // namespace netdisk::server
