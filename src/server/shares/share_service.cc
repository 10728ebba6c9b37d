#include "server/shares/share_service.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/accounts/secret_text.h"
#include "server/shares/file_share_book.h"

namespace netdisk::server {
namespace {

// 24 random bytes: 192 bits, as 48 hex digits.
constexpr std::size_t kTokenBytes = 24;

bool is_token(std::string_view text) {
  return text.size() == 2 * kTokenBytes &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::unique_ptr<storage::PasswordHasher> make_hasher(storage::HashCost cost) {
  auto hasher = storage::PasswordHasher::create(cost);
  if (!hasher) throw std::runtime_error(hasher.error().message);
  return std::make_unique<storage::PasswordHasher>(std::move(*hasher));
}

}  // namespace

ShareService::ShareService(std::filesystem::path file, Options options,
                           LoginThrottle::Now steady_now)
    : ShareService(std::make_unique<FileShareBook>(std::move(file)), options,
                   std::move(steady_now)) {}

ShareService::ShareService(std::unique_ptr<ShareBook> book, Options options,
                           LoginThrottle::Now steady_now)
    : book_(std::move(book)),
      options_(options),
      hasher_(make_hasher(options.hash_cost)),
      throttle_(options.throttle, steady_now),
      verified_(CredentialCache::Policy{options.credential_ttl, 4096}, steady_now) {}

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
  if (auto added = book_->add(record, options_.max_links_per_user); !added.ok()) {
    return std::move(added).error();
  }
  return Created{std::move(token), std::move(record)};
}

Result<std::vector<ShareRecord>> ShareService::list(std::string_view owner) {
  return book_->of_owner(owner);
}

Result<std::size_t> ShareService::revoke(std::string_view owner, std::string_view target) {
  // A token or an id names one link; only when neither matches is `target` a path.
  std::string digest = is_token(target) ? digest_hex(target) : std::string();
  auto ended = book_->remove_named(owner, digest, target);
  if (!ended) return ended;
  if (*ended == 0) return make_error(Errc::not_found, "no share link of yours matches that");
  return ended;
}

void ShareService::forget_path(std::string_view owner, std::string_view path) {
  auto ended = book_->remove_under(owner, path);
  if (!ended) {
    spdlog::error("shares: could not end the links of {} under a removed path: {}", owner,
                  ended.error().message);
    return;
  }
  if (*ended == 0) return;
  spdlog::info("shares: {} link(s) of {} ended: their target was removed or moved", *ended, owner);
}

Result<ShareRecord> ShareService::open(std::string_view token, WallTime now) {
  // One answer for a malformed, unknown and revoked token: nothing that helps guessing.
  auto unknown = make_error(Errc::not_found, "no such link");
  if (!is_token(token)) return unknown;
  auto found = book_->find(digest_hex(token));
  if (!found) return std::move(found).error();
  if (!*found) return unknown;
  if (state(**found, now) != "active") return link_used_up();
  return std::move(**found);
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
  return book_->count_download(digest);
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

}  // namespace netdisk::server
