#include "server/quota/local_quota_ledger.h"

#include <algorithm>

namespace netdisk::server::quota {

LocalQuotaLedger::LocalQuotaLedger(QuotaOf quota_of, MakeRoom make_room)
    : quota_of_(std::move(quota_of)), make_room_(std::move(make_room)) {}

LocalQuotaLedger::Entry& LocalQuotaLedger::entry_locked(std::string_view user) {
  auto it = entries_.find(user);
  if (it == entries_.end()) {
    it = entries_.emplace(std::string(user), std::make_shared<Entry>()).first;
  }
  return *it->second;
}

storage::StorageStatus LocalQuotaLedger::reconcile_once(std::string_view user, const Count& count) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    entry_locked(user);
    entry = entries_.find(user)->second;
    if (entry->counted) return {};
  }
  // The count runs without mutex_, so other users' uploads go on meanwhile; this user's
  // callers wait on `counting`.
  std::lock_guard counting(entry->counting);
  {
    std::lock_guard lock(mutex_);
    if (entry->counted) return {};
  }
  auto bytes = count();
  if (!bytes) return std::move(bytes).error();
  std::lock_guard lock(mutex_);
  // Nothing of this user moved while uncounted (no space was handed out), but a release()
  // from a sweep may have run: the scan is the truth.
  entry->used = *bytes;
  entry->counted = true;
  return {};
}

std::uint64_t LocalQuotaLedger::try_reserve(std::string_view user, std::uint64_t bytes,
                                            const std::optional<std::uint64_t>& quota) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  std::uint64_t taken = entry.used + entry.reserved;
  std::uint64_t left = !quota ? bytes : taken >= *quota ? 0 : *quota - taken;
  if (bytes > left) return bytes - left;
  entry.reserved += bytes;
  return 0;
}

storage::StorageStatus LocalQuotaLedger::reserve(std::string_view user, std::uint64_t bytes) {
  auto quota = quota_of_(user);
  std::uint64_t missing = try_reserve(user, bytes, quota);
  if (missing == 0) return {};
  if (make_room_) {
    std::uint64_t freed = make_room_(user, missing);
    if (freed > 0) {
      release(user, freed);
      missing = try_reserve(user, bytes, quota);
      if (missing == 0) return {};
    }
  }
  return quota_exceeded_error(bytes, bytes - missing, *quota);
}

void LocalQuotaLedger::settle(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  entry.reserved -= std::min(bytes, entry.reserved);
  entry.used += bytes;
}

void LocalQuotaLedger::unreserve(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  entry.reserved -= std::min(bytes, entry.reserved);
}

void LocalQuotaLedger::charge(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  entry_locked(user).used += bytes;
}

void LocalQuotaLedger::release(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  entry.used -= std::min(bytes, entry.used);
}

QuotaLedger::Usage LocalQuotaLedger::usage(std::string_view user) const {
  Usage usage;
  usage.quota = quota_of_(user);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(user);
  if (it == entries_.end()) return usage;
  usage.used = it->second->used;
  usage.reserved = it->second->reserved;
  usage.counted = it->second->counted;
  return usage;
}

void LocalQuotaLedger::forget(std::string_view user) {
  std::lock_guard lock(mutex_);
  // A scan in progress finishes into the detached entry and is lost: the next use counts again.
  if (auto it = entries_.find(user); it != entries_.end()) entries_.erase(it);
}

}  // namespace netdisk::server::quota
