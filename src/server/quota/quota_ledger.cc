#include "server/quota/quota_ledger.h"

#include <algorithm>

#include <fmt/format.h>

namespace netdisk::server::quota {
namespace {

// Room left under `quota` once `taken` bytes are; saturates at 0.
std::uint64_t room(std::uint64_t quota, std::uint64_t taken) {
  return taken >= quota ? 0 : quota - taken;
}

storage::StorageError exceeded(std::uint64_t bytes, std::uint64_t free, std::uint64_t quota) {
  return storage::storage_error(
      storage::StorageErrc::quota_exceeded,
      fmt::format("over quota: this needs {} bytes, your quota of {} bytes has {} left", bytes,
                  quota, free));
}

}  // namespace

std::optional<std::uint64_t> QuotaLedger::Usage::free() const {
  if (!quota) return std::nullopt;
  return room(*quota, used + reserved);
}

QuotaLedger::QuotaLedger(QuotaOf quota_of, MakeRoom make_room)
    : quota_of_(std::move(quota_of)), make_room_(std::move(make_room)) {}

QuotaLedger::Entry& QuotaLedger::entry_locked(std::string_view user) {
  auto it = entries_.find(user);
  if (it == entries_.end()) {
    it = entries_.emplace(std::string(user), std::make_shared<Entry>()).first;
  }
  return *it->second;
}

storage::StorageStatus QuotaLedger::reconcile_once(std::string_view user, const Count& count) {
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

std::uint64_t QuotaLedger::try_reserve(std::string_view user, std::uint64_t bytes,
                                       const std::optional<std::uint64_t>& quota) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  std::uint64_t left = quota ? room(*quota, entry.used + entry.reserved) : bytes;
  if (bytes > left) return bytes - left;
  entry.reserved += bytes;
  return 0;
}

storage::StorageStatus QuotaLedger::reserve(std::string_view user, std::uint64_t bytes) {
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
  return exceeded(bytes, bytes - missing, *quota);
}

void QuotaLedger::settle(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  entry.reserved -= std::min(bytes, entry.reserved);
  entry.used += bytes;
}

void QuotaLedger::unreserve(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  entry.reserved -= std::min(bytes, entry.reserved);
}

void QuotaLedger::charge(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  entry_locked(user).used += bytes;
}

void QuotaLedger::release(std::string_view user, std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  auto& entry = entry_locked(user);
  entry.used -= std::min(bytes, entry.used);
}

QuotaLedger::Usage QuotaLedger::usage(std::string_view user) const {
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

void QuotaLedger::forget(std::string_view user) {
  std::lock_guard lock(mutex_);
  // A scan in progress finishes into the detached entry and is lost: the next use counts again.
  if (auto it = entries_.find(user); it != entries_.end()) entries_.erase(it);
}

}  // namespace netdisk::server::quota
