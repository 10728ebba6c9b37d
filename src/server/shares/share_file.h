// ShareFile: where the share links are kept between runs, <data>/shares.txt. One record per
// line after a header; each record is a JSON object, so any path a client may name (a newline
// included) survives the trip. A record holds the link's token digest (never the token), its
// owner and path, its limits and use count, and the Argon2id hash of its password if it has
// one. save() replaces the whole file atomically (AtomicFile: temp, fsync, rename, directory
// fsync). Blocking calls: blocking pool only. Not thread-safe: ShareService serialises them.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::server {

struct ShareRecord {
  std::string digest{};  // 64 hex digits: BLAKE2b-256 of the token
  std::string owner{};
  std::string path{};  // in the owner's space; "" is the whole space
  bool folder = false;
  bool upload_only = false;
  std::chrono::system_clock::time_point created{};
  std::optional<std::chrono::system_clock::time_point> expires{};
  std::uint64_t max_downloads = 0;  // 0: no limit
  std::uint64_t downloads = 0;
  std::string password_hash{};  // Argon2id; empty: no password

  // The short public name of a link (the digest's first 12 hex digits): what `netdisk shares`
  // shows and `netdisk unshare` accepts. It reveals nothing of the token.
  std::string id() const { return digest.substr(0, 12); }
};

// The file's text for `records`, and back. parse_shares() refuses anything it did not write.
std::string format_shares(const std::vector<ShareRecord>& records);
Result<std::vector<ShareRecord>> parse_shares(std::string_view text);

// A missing file is an empty set; a damaged one is io_error (no server path in the message).
Result<std::vector<ShareRecord>> load_shares(const std::filesystem::path& path);
// Durable before it returns; mode 0600.
Status save_shares(const std::filesystem::path& path, const std::vector<ShareRecord>& records);

}  // namespace netdisk::server
