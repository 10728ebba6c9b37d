// ShareService: the server's share links (docs/ARCHITECTURE.md, "Share links"). A link names
// a path in its owner's space and gives anyone who holds its token what that path holds (a
// file, a folder's listing and files, or a drop box), within its limits: an expiry time, a
// number of downloads, a password. The token (192 random bits) is shown once, at creation;
// only its BLAKE2b digest is kept, in a ShareBook (share_book.h): memory and <data>/shares.txt
// on one server, PostgreSQL in a cluster. A link never follows its target:
// removing or moving the target (or a folder above it) ends the link (forget_path()).
// Passwords are Argon2id hashes; guesses go through a LoginThrottle keyed by link and by
// address, and a CredentialCache spares a browser's repeated Basic credentials the hashing.
// The throttle and the cache are this process's, also in a cluster. Thread-safe; calls marked
// "blocks" hash or reach the book and run on the blocking pool only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/accounts/credential_cache.h"
#include "server/accounts/login_throttle.h"
#include "server/shares/share_book.h"
#include "storage/password_hasher.h"

namespace netdisk::server {

class ShareService {
 public:
  using WallTime = std::chrono::system_clock::time_point;

  struct Options {
    storage::HashCost hash_cost;
    std::chrono::seconds credential_ttl{300};
    std::size_t max_links_per_user = 1000;
    LoginThrottle::Policy throttle;
  };

  // Keeps its links in a FileShareBook of `file` (a missing one is an empty book). Throws
  // std::runtime_error with a message for the administrator when it is damaged (left
  // untouched), or libsodium cannot start.
  ShareService(std::filesystem::path file, Options options,
               LoginThrottle::Now steady_now = &LoginThrottle::Clock::now);
  // Keeps its links in `book` (cluster mode: PostgreSQL). Throws as above.
  ShareService(std::unique_ptr<ShareBook> book, Options options,
               LoginThrottle::Now steady_now = &LoginThrottle::Clock::now);

  struct NewShare {
    std::string owner{};
    std::string path{};
    bool folder = false;
    bool upload_only = false;
    std::optional<WallTime> expires{};
    std::uint64_t max_downloads = 0;
    std::string password{};  // empty: none
  };
  struct Created {
    std::string token;
    ShareRecord record;
  };
  // Blocks. Errors: bad_request (an upload-only link to a file), rate_limited (the owner
  // holds max_links_per_user links), invalid_password, disk_full, io_error.
  Result<Created> create(NewShare request, WallTime now);

  // Blocks (the book). The owner's links, oldest first.
  Result<std::vector<ShareRecord>> list(std::string_view owner);

  // Blocks. Ends the owner's links that `target` names: a whole token, a link id
  // (ShareRecord::id), or a path (every link on it). not_found when none matches; a link of
  // another user is never matched.
  Result<std::size_t> revoke(std::string_view owner, std::string_view target);

  // Blocks. Ends the owner's links on `path` or anything under it: the target was removed or
  // moved. Failing to save is logged; the links are gone from memory either way.
  void forget_path(std::string_view owner, std::string_view path);

  // Blocks (the book). The link a token opens at `now`. not_found for an unknown or revoked
  // token (or a malformed one); share_gone for one expired or out of downloads.
  Result<ShareRecord> open(std::string_view token, WallTime now);

  // Blocks (Argon2id unless cached). auth_failed for a wrong password, rate_limited when the
  // throttle (per link and per address) says this guess must wait.
  Status check_password(const ShareRecord& link, std::string_view password,
                        std::string_view address);

  // Blocks. Counts one download of the link, durably; share_gone when it has none left
  // (another download took the last one), not_found when it was revoked meanwhile.
  Status count_download(std::string_view digest);

  // "active", "expired" or "exhausted" at `now`.
  static std::string_view state(const ShareRecord& link, WallTime now);

  // The origin printed links start with ("http://host:7080"); set by the HTTP server once it
  // listens, empty while no HTTP port is open.
  void set_public_origin(std::string origin);
  std::string public_origin() const;
  // The origin for a listener on `host`:`port`: a wildcard address (0.0.0.0, ::) is replaced
  // by this machine's host name, an IPv6 address is bracketed.
  static std::string origin_for(std::string_view scheme, std::string_view host, std::uint16_t port);

 private:
  const std::unique_ptr<ShareBook> book_;
  const Options options_;
  std::unique_ptr<storage::PasswordHasher> hasher_;
  LoginThrottle throttle_;
  CredentialCache verified_;
  mutable std::mutex mutex_;  // guards origin_
  std::string origin_;
};

}  // namespace netdisk::server
