#include "server/shares/share_service.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/accounts/secret_text.h"

namespace netdisk::server {
namespace {

// 24 random bytes: 192 bits, as 48 hex digits.
constexpr std::size_t kTokenBytes = 24;

bool is_token(std::string_view text) {
  return text.size() == 2 * kTokenBytes &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// `path` is `root` or lies under it ("" is the whole space, above everything).
bool is_at_or_under(std::string_view path, std::string_view root) {
  if (root.empty() || path == root) return true;
  return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

std::vector<ShareRecord> load_or_throw(const std::filesystem::path& file) {
  auto loaded = load_shares(file);
  if (!loaded) {
    throw std::runtime_error(fmt::format("{}: {} (move it aside to start without share links)",
                                         file.filename().string(), loaded.error().message));
  }
  return std::move(*loaded);
}

std::unique_ptr<storage::PasswordHasher> make_hasher(storage::HashCost cost) {
  auto hasher = storage::PasswordHasher::create(cost);
  if (!hasher) throw std::runtime_error(hasher.error().message);
  return std::make_unique<storage::PasswordHasher>(std::move(*hasher));
}

}  // namespace

ShareService::ShareService(std::filesystem::path file, Options options,
                           LoginThrottle::Now steady_now)
    : file_(std::move(file)),
      options_(options),
      hasher_(make_hasher(options.hash_cost)),
      throttle_(options.throttle, steady_now),
      verified_(CredentialCache::Policy{options.credential_ttl, 4096}, steady_now),
      links_(load_or_throw(file_)) {}

Result<ShareService::Created> ShareService::create(NewShare request, WallTime now) {
  if (request.upload_only && !request.folder) {
    return make_error(Errc::bad_request, "an upload-only link (a drop box) must name a folder");
  }
  ShareRecord record;
  if (!request.password.empty()) {
    auto hashed = hasher_->hash(request.password);
    if (!hashed) return std::move(hashed).error();
    record.password_hash = std::move(*hashed);
  }
  std::string token = random_hex(kTokenBytes);
  record.digest = digest_hex(token);
  record.owner = std::move(request.owner);
  record.path = std::move(request.path);
  record.folder = request.folder;
  record.upload_only = request.upload_only;
  record.created = now;
  record.expires = request.expires;
  record.max_downloads = request.max_downloads;
  {
    std::lock_guard lock(mutex_);
    auto owned = std::count_if(links_.begin(), links_.end(),
                               [&](const ShareRecord& link) { return link.owner == record.owner; });
    if (static_cast<std::size_t>(owned) >= options_.max_links_per_user) {
      return make_error(
          Errc::rate_limited,
          fmt::format("you hold {} share links, the most allowed: revoke some first", owned));
    }
    links_.push_back(record);
  }
  if (auto saved = save_locked_book(); !saved.ok()) {
    std::lock_guard lock(mutex_);
    std::erase_if(links_, [&](const ShareRecord& link) { return link.digest == record.digest; });
    return std::move(saved).error();
  }
  return Created{std::move(token), std::move(record)};
}

std::vector<ShareRecord> ShareService::list(std::string_view owner) const {
  std::lock_guard lock(mutex_);
  std::vector<ShareRecord> owned;
  for (const auto& link : links_) {
    if (link.owner == owner) owned.push_back(link);
  }
  return owned;
}

Result<std::size_t> ShareService::revoke(std::string_view owner, std::string_view target) {
  std::string digest = is_token(target) ? digest_hex(target) : std::string();
  std::size_t ended = 0;
  {
    std::lock_guard lock(mutex_);
    // A token or an id names one link; only when neither matches is `target` a path.
    auto named = [&](const ShareRecord& link) {
      return link.owner == owner && (link.digest == digest || link.id() == target);
    };
    ended = std::erase_if(links_, named);
    if (ended == 0) {
      ended = std::erase_if(links_, [&](const ShareRecord& link) {
        return link.owner == owner && link.path == target;
      });
    }
  }
  if (ended == 0) return make_error(Errc::not_found, "no share link of yours matches that");
  if (auto saved = save_locked_book(); !saved.ok()) return std::move(saved).error();
  return ended;
}

void ShareService::forget_path(std::string_view owner, std::string_view path) {
  std::size_t ended = 0;
  {
    std::lock_guard lock(mutex_);
    ended = std::erase_if(links_, [&](const ShareRecord& link) {
      return link.owner == owner && is_at_or_under(link.path, path);
    });
  }
  if (ended == 0) return;
  spdlog::info("shares: {} link(s) of {} ended: their target was removed or moved", ended, owner);
  if (auto saved = save_locked_book(); !saved.ok()) {
    spdlog::error("shares: could not save the share links: {}", saved.error().message);
  }
}

Result<ShareRecord> ShareService::open(std::string_view token, WallTime now) const {
  // One answer for a malformed, unknown and revoked token: nothing that helps guessing.
  auto unknown = make_error(Errc::not_found, "no such link");
  if (!is_token(token)) return unknown;
  std::string digest = digest_hex(token);
  std::lock_guard lock(mutex_);
  auto it = std::find_if(links_.begin(), links_.end(),
                         [&](const ShareRecord& link) { return link.digest == digest; });
  if (it == links_.end()) return unknown;
  if (state(*it, now) != "active") {
    return make_error(Errc::share_gone, "this link has expired or has been used up");
  }
  return *it;
}

Status ShareService::check_password(const ShareRecord& link, std::string_view password,
                                    std::string_view address) {
  std::string key = link.id();
  // The throttle first: while guessing is slowed down, no answer comes back at all.
  auto wait = throttle_.wait_before_attempt(key, address);
  if (wait.count() > 0) {
    return make_error(Errc::rate_limited, fmt::format("too many wrong passwords: try again in {} s",
                                                      (wait.count() + 999) / 1000));
  }
  if (verified_.verified(key, password, link.password_hash)) return {};
  if (!hasher_->verify(link.password_hash, password)) {
    throttle_.record_failure(key, address);
    return make_error(Errc::auth_failed, "wrong password for this link");
  }
  throttle_.record_success(key);
  verified_.remember(key, password, link.password_hash);
  return {};
}

Status ShareService::count_download(std::string_view digest) {
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(links_.begin(), links_.end(),
                           [&](const ShareRecord& link) { return link.digest == digest; });
    if (it == links_.end()) return make_error(Errc::not_found, "no such link");
    if (it->max_downloads != 0 && it->downloads >= it->max_downloads) {
      return make_error(Errc::share_gone, "this link has expired or has been used up");
    }
    ++it->downloads;
  }
  return save_locked_book();
}

std::string_view ShareService::state(const ShareRecord& link, WallTime now) {
  if (link.expires && now >= *link.expires) return "expired";
  if (link.max_downloads != 0 && link.downloads >= link.max_downloads) return "exhausted";
  return "active";
}

void ShareService::set_public_origin(std::string origin) {
  std::lock_guard lock(mutex_);
  origin_ = std::move(origin);
}

std::string ShareService::public_origin() const {
  std::lock_guard lock(mutex_);
  return origin_;
}

std::string ShareService::origin_for(std::string_view scheme, std::string_view host,
                                     std::uint16_t port) {
  std::string name(host);
  if (name == "0.0.0.0" || name == "::" || name.empty()) {
    char buffer[256] = {};
    name = ::gethostname(buffer, sizeof buffer - 1) == 0 ? buffer : "localhost";
  } else if (name.find(':') != std::string::npos) {
    name = "[" + name + "]";
  }
  return fmt::format("{}://{}:{}", scheme, name, port);
}

Status ShareService::save_locked_book() {
  std::lock_guard saving(save_mutex_);
  std::vector<ShareRecord> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = links_;
  }
  return save_shares(file_, snapshot);
}

}  // namespace netdisk::server
