#include "cluster/redis/redis_connection.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <charconv>

#include <fmt/format.h>
#include <hiredis/hiredis.h>

namespace netdisk::cluster {
namespace {

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(timeout.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((timeout.count() % 1000) * 1000);
  return tv;
}

Error unreachable(std::string_view what) {
  return make_error(Errc::server_busy,
                    fmt::format("the cluster's Redis is unreachable ({}); try again", what));
}

RedisValue copy_reply(const redisReply& reply) {
  RedisValue value;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      value.kind = RedisValue::Kind::string;
      value.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      value.kind = RedisValue::Kind::status;
      value.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      value.kind = RedisValue::Kind::integer;
      value.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.kind = RedisValue::Kind::array;
      for (std::size_t i = 0; i < reply.elements; ++i)
        value.items.push_back(copy_reply(*reply.element[i]));
      break;
    default:
      break;  // nil
  }
  return value;
}

redisContext* open_context(std::string_view address, std::chrono::milliseconds timeout) {
  auto tv = to_timeval(timeout);
  if (address.starts_with("unix:")) {
    std::string path(address.substr(5));
    return redisConnectUnixWithTimeout(path.c_str(), tv);
  }
  auto colon = address.rfind(':');
  int port = 0;
  if (colon == std::string_view::npos) return nullptr;
  auto digits = address.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size()) return nullptr;
  std::string host(address.substr(0, colon));
  return redisConnectWithTimeout(host.c_str(), port, tv);
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> RedisConnection::connect(
    std::string_view address, std::chrono::milliseconds timeout) {
  redisContext* context = open_context(address, timeout);
  if (context == nullptr) {
    return make_error(Errc::bad_request,
                      fmt::format("not a Redis address: {:?} (unix:/path or host:port)", address));
  }
  if (context->err != 0) {
    std::string why = context->errstr;
    redisFree(context);
    return unreachable(why);
  }
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context));
  connection->set_reply_timeout(timeout);
  return connection;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

void RedisConnection::set_reply_timeout(std::chrono::milliseconds timeout) {
  redisSetTimeout(context_, to_timeval(timeout));
}

void RedisConnection::interrupt() { ::shutdown(context_->fd, SHUT_RDWR); }

Result<RedisValue> RedisConnection::take(void* raw) {
  if (raw == nullptr) {
    broken_ = true;  // hiredis cannot use a context after an I/O error or a timeout
    return unreachable(context_->errstr);
  }
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                     &freeReplyObject);
  if (reply->type == REDIS_REPLY_ERROR) {
    return make_error(Errc::io_error, fmt::format("Redis refused a command: {}",
                                                  std::string_view(reply->str, reply->len)));
  }
  return copy_reply(*reply);
}

Result<RedisValue> RedisConnection::command(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return take(
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
}

Result<RedisValue> RedisConnection::read() {
  void* reply = nullptr;
  if (redisGetReply(context_, &reply) != REDIS_OK) return take(nullptr);
  return take(reply);
}

Result<RedisValue> RedisClient::command(const std::vector<std::string>& args) {
  std::lock_guard lock(mutex_);
  // Twice at most: a connection Redis closed while idle fails once, and its replacement is
  // then the real answer.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = false;
    if (!connection_ || connection_->broken()) {
      auto made = RedisConnection::connect(address_, timeout_);
      if (!made) return std::move(made).error();
      connection_ = std::move(*made);
      fresh = true;
    }
    auto reply = connection_->command(args);
    if (reply || !connection_->broken() || fresh) return reply;
  }
  return unreachable("the connection broke twice");
}

}  // namespace netdisk::cluster
