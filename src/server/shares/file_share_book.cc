#include "server/shares/file_share_book.h"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace netdisk::server {
namespace {

std::vector<ShareRecord> load_or_throw(const std::filesystem::path& file) {
  auto loaded = load_shares(file);
  if (!loaded) {
    throw std::runtime_error(fmt::format("{}: {} (move it aside to start without share links)",
                                         file.filename().string(), loaded.error().message));
  }
  return std::move(*loaded);
}

}  // namespace

FileShareBook::FileShareBook(std::filesystem::path file)
    : file_(std::move(file)), links_(load_or_throw(file_)) {}

Status FileShareBook::add(const ShareRecord& record, std::size_t max_per_owner) {
  {
    std::lock_guard lock(mutex_);
    auto owned = std::count_if(links_.begin(), links_.end(),
                               [&](const ShareRecord& link) { return link.owner == record.owner; });
    if (static_cast<std::size_t>(owned) >= max_per_owner) {
      return too_many_links(static_cast<std::size_t>(owned));
    }
    links_.push_back(record);
  }
  if (auto saved = save_links(); !saved.ok()) {
    std::lock_guard lock(mutex_);
    std::erase_if(links_, [&](const ShareRecord& link) { return link.digest == record.digest; });
    return saved;
  }
  return {};
}

Result<std::vector<ShareRecord>> FileShareBook::of_owner(std::string_view owner) {
  std::lock_guard lock(mutex_);
  std::vector<ShareRecord> owned;
  for (const auto& link : links_) {
    if (link.owner == owner) owned.push_back(link);
  }
  return owned;
}

Result<std::optional<ShareRecord>> FileShareBook::find(std::string_view digest) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(links_.begin(), links_.end(),
                         [&](const ShareRecord& link) { return link.digest == digest; });
  if (it == links_.end()) return std::optional<ShareRecord>();
  return std::optional<ShareRecord>(*it);
}

Result<std::size_t> FileShareBook::remove_named(std::string_view owner, std::string_view digest,
                                                std::string_view target) {
  std::size_t ended = 0;
  {
    std::lock_guard lock(mutex_);
    auto named = [&](const ShareRecord& link) {
      return link.owner == owner &&
             ((!digest.empty() && link.digest == digest) || link.id() == target);
    };
    ended = std::erase_if(links_, named);
    if (ended == 0) {
      ended = std::erase_if(links_, [&](const ShareRecord& link) {
        return link.owner == owner && link.path == target;
      });
    }
  }
  if (ended == 0) return ended;
  if (auto saved = save_links(); !saved.ok()) return std::move(saved).error();
  return ended;
}

Result<std::size_t> FileShareBook::remove_under(std::string_view owner, std::string_view path) {
  std::size_t ended = 0;
  {
    std::lock_guard lock(mutex_);
    ended = std::erase_if(links_, [&](const ShareRecord& link) {
      return link.owner == owner && is_at_or_under(link.path, path);
    });
  }
  if (ended == 0) return ended;
  if (auto saved = save_links(); !saved.ok()) {
    spdlog::error("shares: could not save the share links: {}", saved.error().message);
  }
  return ended;
}

Status FileShareBook::count_download(std::string_view digest) {
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(links_.begin(), links_.end(),
                           [&](const ShareRecord& link) { return link.digest == digest; });
    if (it == links_.end()) return make_error(Errc::not_found, "no such link");
    if (it->max_downloads != 0 && it->downloads >= it->max_downloads) return link_used_up();
    ++it->downloads;
  }
  return save_links();
}

Status FileShareBook::save_links() {
  std::lock_guard saving(save_mutex_);
  std::vector<ShareRecord> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = links_;
  }
  return save_shares(file_, snapshot);
}

}  // namespace netdisk::server
