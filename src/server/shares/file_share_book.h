// FileShareBook: one server's share links, in memory and in <data>/shares.txt (share_file.h),
// which every change rewrites atomically before it is reported; the ShareBook of the
// single-machine server. Thread-safe: one mutex guards the links, another serialises saves
// (each writes the newest links). Calls that change something write the file: blocking pool.
#pragma once

#include <filesystem>
#include <mutex>
#include <vector>

#include "server/shares/share_book.h"

namespace netdisk::server {

class FileShareBook final : public ShareBook {
 public:
  // Loads `file` (a missing one is an empty book). Throws std::runtime_error with a message
  // for the administrator when it is damaged (left untouched).
  explicit FileShareBook(std::filesystem::path file);

  Status add(const ShareRecord& record, std::size_t max_per_owner) override;
  Result<std::vector<ShareRecord>> of_owner(std::string_view owner) override;
  Result<std::optional<ShareRecord>> find(std::string_view digest) override;
  Result<std::size_t> remove_named(std::string_view owner, std::string_view digest,
                                   std::string_view target) override;
  // A failed save is logged: the links are gone from memory either way (their target is).
  Result<std::size_t> remove_under(std::string_view owner, std::string_view path) override;
  Status count_download(std::string_view digest) override;

 private:
  Status save_links();  // takes save_mutex_ then a snapshot under mutex_

  const std::filesystem::path file_;
  std::mutex save_mutex_;
  std::mutex mutex_;
  std::vector<ShareRecord> links_;
};

}  // namespace netdisk::server
