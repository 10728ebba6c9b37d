#include "cluster/accounts/redis_token_store.h"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/username.h"

namespace netdisk::cluster {
namespace {

std::string token_key(std::string_view digest) { return fmt::format("netdisk:token:{}", digest); }

std::string user_key(std::string_view username) {
  return fmt::format("netdisk:user-tokens:{}", storage::username_key(username));
}

long long unix_seconds(RedisTokenStore::Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

// One login and its user's set in one step, the set living as long as its longest login.
constexpr std::string_view kPutScript = R"(
redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('EXPIRETIME', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('EXPIREAT', KEYS[2], ARGV[2])
end
return 1)";

// Every login of a user but one, atomically: no login of theirs can slip between the read of
// the set and the deletions.
constexpr std::string_view kRemoveUserScript = R"(
local ended = 0
for _, digest in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if digest ~= ARGV[1] then
    ended = ended + redis.call('DEL', ARGV[2] .. digest)
    redis.call('SREM', KEYS[1], digest)
  end
end
return ended)";

std::optional<RedisTokenStore::Entry> parse_entry(std::string_view text) {
  long long issued = 0;
  long long expires = 0;
  auto first = text.find(' ');
  auto second = first == std::string_view::npos ? first : text.find(' ', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto a = std::from_chars(text.data(), text.data() + first, issued);
  auto b = std::from_chars(text.data() + first + 1, text.data() + second, expires);
  if (a.ec != std::errc() || b.ec != std::errc()) return std::nullopt;
  RedisTokenStore::Entry entry;
  entry.username = std::string(text.substr(second + 1));
  entry.issued = RedisTokenStore::Clock::time_point(std::chrono::seconds(issued));
  entry.expires = RedisTokenStore::Clock::time_point(std::chrono::seconds(expires));
  if (entry.username.empty()) return std::nullopt;
  return entry;
}

}  // namespace

Status RedisTokenStore::put(const std::string& digest, const Entry& entry) {
  auto value = fmt::format("{} {} {}", unix_seconds(entry.issued), unix_seconds(entry.expires),
                           entry.username);
  auto done = redis_.command({"EVAL", std::string(kPutScript), "2", token_key(digest),
                              user_key(entry.username), value,
                              std::to_string(unix_seconds(entry.expires)), digest});
  if (!done) return std::move(done).error();
  return {};
}

Result<std::optional<RedisTokenStore::Entry>> RedisTokenStore::get(const std::string& digest) {
  auto value = redis_.command({"GET", token_key(digest)});
  if (!value) return std::move(value).error();
  if (value->kind != RedisValue::Kind::string) return std::optional<Entry>();
  return parse_entry(value->text);
}

Result<std::optional<std::string>> RedisTokenStore::remove(const std::string& digest) {
  auto value = redis_.command({"GETDEL", token_key(digest)});
  if (!value) return std::move(value).error();
  if (value->kind != RedisValue::Kind::string) return std::optional<std::string>();
  auto entry = parse_entry(value->text);
  if (!entry) return std::optional<std::string>();
  auto removed = redis_.command({"SREM", user_key(entry->username), digest});
  if (!removed) return std::move(removed).error();
  return std::optional<std::string>(std::move(entry->username));
}

Status RedisTokenStore::remove_user(std::string_view username, const std::string& keep_digest) {
  auto done = redis_.command({"EVAL", std::string(kRemoveUserScript), "1", user_key(username),
                              keep_digest, "netdisk:token:"});
  if (!done) return std::move(done).error();
  return {};
}

Status RedisTokenStore::publish_revoked_digest(const std::string& digest) {
  nlohmann::json message = {{"digest", digest}};
  auto done = redis_.command({"PUBLISH", std::string(kRevokeChannel), message.dump()});
  if (!done) return std::move(done).error();
  return {};
}

Status RedisTokenStore::publish_revoked_user(std::string_view username,
                                             const std::string& keep_digest) {
  nlohmann::json message = {{"user", username}, {"keep", keep_digest}};
  auto done = redis_.command({"PUBLISH", std::string(kRevokeChannel), message.dump()});
  if (!done) return std::move(done).error();
  return {};
}

std::optional<RedisTokenStore::Revocation> RedisTokenStore::parse_revocation(
    std::string_view payload) {
  auto json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return std::nullopt;
  Revocation out;
  if (auto digest = json.find("digest"); digest != json.end() && digest->is_string()) {
    out.digest = digest->get<std::string>();
    return out.digest.empty() ? std::nullopt : std::optional(out);
  }
  auto user = json.find("user");
  if (user == json.end() || !user->is_string()) return std::nullopt;
  out.user = user->get<std::string>();
  if (auto keep = json.find("keep"); keep != json.end() && keep->is_string())
    out.keep = keep->get<std::string>();
  return out.user.empty() ? std::nullopt : std::optional(out);
}

}  // namespace netdisk::cluster
