#include "server/quota/quota_space.h"

#include "server/quota/quota_sink.h"
#include "storage/safe_path.h"

namespace netdisk::server::quota {

QuotaSpace::QuotaSpace(std::shared_ptr<storage::UserSpace> inner,
                       std::shared_ptr<QuotaLedger> ledger, std::string user)
    : inner_(std::move(inner)), ledger_(std::move(ledger)), user_(std::move(user)) {}

std::uint64_t QuotaSpace::bytes_at(std::string_view path) const {
  auto bytes = inner_->stored_bytes(path);
  return bytes ? *bytes : 0;
}

void QuotaSpace::account(std::uint64_t before, std::uint64_t after) {
  if (after > before) ledger_->charge(user_, after - before);
  if (before > after) ledger_->release(user_, before - after);
}

// The measurements around a change are not atomic with it: a concurrent change of the same
// names can leave a total off until the next start-up's reconcile, never a file harmed.
storage::StorageStatus QuotaSpace::remove(std::string_view path,
                                          const storage::TargetCheck& check) {
  std::uint64_t before = bytes_at(path);  // a folder "empty" to clients may hold partials
  auto removed = inner_->remove(path, check);
  if (removed) ledger_->release(user_, before);
  return removed;
}

storage::StorageStatus QuotaSpace::remove_tree(std::string_view path) {
  std::uint64_t before = bytes_at(path);
  auto removed = inner_->remove_tree(path);
  // Not atomic: a failure midway leaves part of the tree, still counted.
  account(before, removed ? 0 : bytes_at(path));
  return removed;
}

storage::StorageStatus QuotaSpace::rename(std::string_view from, std::string_view to,
                                          Replace replace) {
  auto source = storage::split_user_path(from);
  auto target = storage::split_user_path(to);
  bool onto_itself = source && target && *source == *target;
  std::uint64_t replaced = replace == Replace::yes && !onto_itself ? bytes_at(to) : 0;
  auto renamed = inner_->rename(from, to, replace);
  if (renamed) ledger_->release(user_, replaced);
  return renamed;
}

storage::StorageStatus QuotaSpace::copy(std::string_view from, std::string_view to,
                                        Replace replace) {
  auto source = inner_->stored_bytes(from);
  if (!source) return inner_->copy(from, to, replace);  // the copy reports the bad source
  // Both copies exist at least until the replaced target goes: the source's bytes must fit.
  if (auto room = ledger_->reserve(user_, *source); !room) return room;
  std::uint64_t before = bytes_at(to);
  auto copied = inner_->copy(from, to, replace);
  std::uint64_t after = bytes_at(to);
  ledger_->unreserve(user_, *source);
  account(before, after);  // a failed copy may have left part of a tree: counted too
  return copied;
}

storage::StorageResult<std::unique_ptr<storage::UploadSink>> QuotaSpace::begin_upload(
    std::string_view path, std::uint64_t size, std::optional<std::string> content_checksum) {
  auto sink = inner_->begin_upload(path, size, std::move(content_checksum));
  if (!sink) return std::move(sink).error();
  // A resumed partial's bytes are counted already: only the rest must fit. Refused, a partial
  // that holds bytes stays resumable for a later try (under a larger quota); an empty one,
  // just made, goes.
  std::uint64_t to_come = size - std::min(size, (*sink)->offset());
  if (auto room = ledger_->reserve(user_, to_come); !room) {
    if ((*sink)->offset() == 0) (*sink)->discard();
    return std::move(room).error();
  }
  return std::unique_ptr<storage::UploadSink>(std::make_unique<QuotaSink>(
      std::move(*sink), ledger_, user_, to_come));
}

storage::StorageResult<std::unique_ptr<storage::UploadSink>> QuotaSpace::begin_unsized_upload(
    std::string_view path, std::uint64_t limit) {
  auto sink = inner_->begin_unsized_upload(path, limit);
  if (!sink) return std::move(sink).error();
  return std::unique_ptr<storage::UploadSink>(
      std::make_unique<QuotaSink>(std::move(*sink), ledger_, user_, 0));
}

storage::StorageResult<storage::Freed> QuotaSpace::delete_from_trash(
    std::optional<std::string> id) {
  auto freed = inner_->delete_from_trash(std::move(id));
  if (freed) ledger_->release(user_, freed->bytes);
  return freed;
}

storage::StorageResult<storage::Freed> QuotaSpace::purge_trash(
    std::chrono::system_clock::time_point cutoff) {
  auto freed = inner_->purge_trash(cutoff);
  if (freed) ledger_->release(user_, freed->bytes);
  return freed;
}

storage::StorageResult<storage::Published> QuotaSpace::restore_version(std::string_view path,
                                                                       std::string_view id) {
  auto published = inner_->restore_version(path, id);
  if (published) ledger_->release(user_, published->freed.bytes);
  return published;
}

storage::StorageResult<storage::Freed> QuotaSpace::prune_versions(
    std::size_t keep, std::chrono::system_clock::time_point cutoff) {
  auto freed = inner_->prune_versions(keep, cutoff);
  if (freed) ledger_->release(user_, freed->bytes);
  return freed;
}

storage::StorageResult<storage::Freed> QuotaSpace::drop_oldest_versions(std::uint64_t bytes) {
  auto freed = inner_->drop_oldest_versions(bytes);
  if (freed) ledger_->release(user_, freed->bytes);
  return freed;
}

QuotaBackend::QuotaBackend(std::unique_ptr<storage::Backend> inner,
                           std::shared_ptr<QuotaLedger> ledger)
    : inner_(std::move(inner)), ledger_(std::move(ledger)) {}

storage::StorageResult<std::shared_ptr<storage::UserSpace>> QuotaBackend::open_space(
    std::string_view username) {
  auto space = inner_->open_space(username);
  if (!space) return std::move(space).error();
  auto& inner_space = **space;
  auto counted =
      ledger_->reconcile_once(username, [&inner_space] { return inner_space.stored_bytes(""); });
  if (!counted) return std::move(counted).error();
  return std::shared_ptr<storage::UserSpace>(
      std::make_shared<QuotaSpace>(std::move(*space), ledger_, std::string(username)));
}

storage::StorageResult<std::size_t> QuotaBackend::sweep_partial_uploads(
    std::chrono::seconds max_age, const SweepFreed& freed) {
  return inner_->sweep_partial_uploads(max_age,
                                       [this, &freed](std::string_view user, std::uint64_t bytes) {
                                         ledger_->release(user, bytes);
                                         if (freed) freed(user, bytes);
                                       });
}

storage::StorageResult<std::vector<storage::Backend::UserFreed>> QuotaBackend::purge_expired(
    std::chrono::seconds trash_max_age) {
  auto purged = inner_->purge_expired(trash_max_age);
  if (purged) {
    for (const auto& user : *purged) ledger_->release(user.username, user.freed.bytes);
  }
  return purged;
}

std::uint64_t QuotaBackend::drop_oldest_versions(std::string_view user, std::uint64_t bytes) {
  auto space = inner_->open_space(user);
  if (!space) return 0;
  auto freed = (*space)->drop_oldest_versions(bytes);
  return freed ? freed->bytes : 0;
}

}  // namespace netdisk::server::quota
