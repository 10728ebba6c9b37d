#include "server/cluster/redis_token_book.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"

namespace netdisk::server {

RedisTokenBook::RedisTokenBook(std::string redis_address, std::chrono::seconds lifetime,
                               std::chrono::milliseconds timeout, LoginTokens::Now now)
    : now_(now),
      cache_(lifetime, now),
      redis_(redis_address, timeout),
      store_(redis_),
      address_(std::move(redis_address)) {}

void RedisTokenBook::start(OnUserRevoked hook) {
  on_user_revoked_ = std::move(hook);
  subscriber_ = std::make_unique<cluster::RedisSubscriber>(
      address_, std::vector<std::string>{std::string(cluster::kRevokeChannel)},
      [this](const std::string&, const std::string& payload) { on_message(payload); },
      [this] { recheck_cache(); });
}

RedisTokenBook::~RedisTokenBook() { subscriber_.reset(); }

void RedisTokenBook::recheck_cache() {
  // Revocations published while no subscription stood were missed: every cached login is
  // asked of Redis again (on the subscriber's own thread, before it reads any message), and
  // those Redis no longer holds are dropped. Emptying the cache instead would log out every
  // live TCP connection of this node at its next request.
  std::size_t dropped = 0;
  for (const auto& record : cache_.snapshot()) {
    auto found = store_.get(record.digest);
    if (!found) {  // Redis went away again: nothing can be confirmed
      cache_.clear();
      dropped = 1;
      break;
    }
    if (*found) continue;
    cache_.revoke_digest(record.digest);
    ++dropped;
  }
  if (dropped > 0) revocations_.fetch_add(1);  // live sessions check their token again
}

Result<LoginTokens::Issued> RedisTokenBook::issue(const std::string& username) {
  auto issued = cache_.issue(username);
  if (!issued) return issued;
  cluster::RedisTokenStore::Entry entry{username, now_(), issued->expires};
  if (auto stored = store_.put(LoginTokens::digest(issued->token), entry); !stored.ok()) {
    cache_.revoke(issued->token);  // a login other nodes cannot resume is not handed out
    return std::move(stored).error();
  }
  return issued;
}

Result<LoginTokens::Lookup> RedisTokenBook::fetch(std::string_view token) {
  auto known = cache_.lookup(token);
  if (known.check != LoginTokens::Check::unknown) return known;
  auto digest = LoginTokens::digest(token);
  auto found = store_.get(digest);
  if (!found) return std::move(found).error();
  if (!*found) return LoginTokens::Lookup{};
  auto& entry = **found;
  if (now_() >= entry.expires) return LoginTokens::Lookup{LoginTokens::Check::expired, {}, {}};
  cache_.remember(digest, entry.username, entry.issued, entry.expires);
  return LoginTokens::Lookup{LoginTokens::Check::valid, entry.username, entry.issued};
}

Status RedisTokenBook::revoke(std::string_view token) {
  auto digest = LoginTokens::digest(token);
  cache_.revoke_digest(digest);
  revocations_.fetch_add(1);
  auto removed = store_.remove(digest);
  if (!removed) return std::move(removed).error();
  if (!*removed) return {};  // unknown or expired: nothing for other nodes to drop
  return store_.publish_revoked_digest(digest);
}

Status RedisTokenBook::revoke_user(std::string_view username, std::string_view keep_token) {
  auto keep = keep_token.empty() ? std::string() : LoginTokens::digest(keep_token);
  cache_.revoke_user_but_digest(username, keep);
  revocations_.fetch_add(1);
  if (auto removed = store_.remove_user(username, keep); !removed.ok()) return removed;
  return store_.publish_revoked_user(username, keep);
}

void RedisTokenBook::on_message(const std::string& payload) {
  auto revocation = cluster::RedisTokenStore::parse_revocation(payload);
  if (!revocation) {
    log_of(LogComponent::accounts)
        .warn("ignored a malformed message on {}", cluster::kRevokeChannel);
    return;
  }
  if (!revocation->digest.empty()) {
    cache_.revoke_digest(revocation->digest);
  } else {
    cache_.revoke_user_but_digest(revocation->user, revocation->keep);
    if (on_user_revoked_) on_user_revoked_(revocation->user);
  }
  revocations_.fetch_add(1);
}

}  // namespace netdisk::server
