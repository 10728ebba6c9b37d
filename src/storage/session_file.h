// SessionStore: where the server's login sessions are kept between runs. Each record holds a
// digest of the login token (never the token), the user, and the issue and expiry times. The
// store only loads and saves whole sets; the group commit and the rules (bounds, expiry) live
// in server/accounts/session_book.h. An interface so that tests inject faults and a database
// backend can come later. SessionFile is the one real backend: a text file in the data folder
// (format in docs/ARCHITECTURE.md, "Login sessions"). Calls block on disk: blocking pool only.
// Not thread-safe: SessionBook serialises every call.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace netdisk::storage {

struct SessionRecord {
  std::string digest;  // 64 lowercase hex digits: BLAKE2b-256 of the token
  std::string username;
  std::chrono::system_clock::time_point issued;
  std::chrono::system_clock::time_point expires;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Every stored session. A missing store is an empty set. A damaged one is io_error with a
  // message that says what is wrong (no server path in it).
  virtual Result<std::vector<SessionRecord>> load() = 0;
  // Replaces the stored set with `records`, durably, before returning.
  virtual Status save(const std::vector<SessionRecord>& records) = 0;
  // Moves a damaged store out of the way so that the next save() starts afresh; returns a
  // description of where it went (for the log).
  virtual Result<std::string> set_aside() = 0;
};

class SessionFile final : public SessionStore {
 public:
  // `path`'s folder must exist. Stale temporary files there are the registry's to sweep.
  explicit SessionFile(std::filesystem::path path) : path_(std::move(path)) {}

  Result<std::vector<SessionRecord>> load() override;
  // temp file + fsync + rename + directory fsync (AtomicFile), mode 0600.
  Status save(const std::vector<SessionRecord>& records) override;
  // Renames the file to "<name>.damaged-<unix seconds>" beside it.
  Result<std::string> set_aside() override;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// The file's text for `records`, and back (exposed for tests). parse_sessions() refuses
// anything it did not write: a wrong header, a malformed line, a bad digest or name.
std::string format_sessions(const std::vector<SessionRecord>& records);
Result<std::vector<SessionRecord>> parse_sessions(std::string_view text);

}  // namespace netdisk::storage
