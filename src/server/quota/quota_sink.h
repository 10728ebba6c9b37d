// QuotaSink: an UploadSink (storage/user_space.h) that keeps a user's QuotaLedger true while
// it receives. A sized upload arrives with its bytes already reserved (QuotaSpace reserved
// them at the start, from the declared size); an unsized one (an HTTP chunked body) reserves
// each write's bytes as they arrive and is stopped with quota_exceeded, its partial removed,
// at the first write the quota has no room for. Written bytes move from reserved to used; a
// removed partial releases its bytes; a committed upload releases what the backend says it
// deleted for good (storage::Published::freed). The last QuotaLedger::settle_lag() bytes
// written stay reserved until the upload ends (0 locally; a cluster chunk's worth).
// One user at a time, like any sink; the ledger is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/quota/quota_ledger.h"
#include "storage/user_space.h"

namespace netdisk::server::quota {

class QuotaSink final : public storage::UploadSink {
 public:
  // `inner` was begun for `user`, whose ledger already holds `reserved` bytes for it. Its
  // partial's offset() bytes are counted as used.
  QuotaSink(std::unique_ptr<storage::UploadSink> inner, std::shared_ptr<QuotaLedger> ledger,
            std::string user, std::uint64_t reserved);
  ~QuotaSink() override;

  std::uint64_t size() const override { return inner_->size(); }
  std::uint64_t offset() const override { return inner_->offset(); }
  bool resumable() const override { return inner_->resumable(); }
  bool size_known() const override { return inner_->size_known(); }

  storage::StorageStatus write(std::span<const std::byte> bytes) override;
  storage::StorageResult<storage::Published> commit(const storage::TargetCheck& check) override;
  void discard() noexcept override;

 private:
  // The upload is over: its reservation goes back, and with `partial_removed` the bytes its
  // partial held are released.
  void end(bool partial_removed) noexcept;

  std::unique_ptr<storage::UploadSink> inner_;
  std::shared_ptr<QuotaLedger> ledger_;
  std::string user_;
  std::uint64_t reserved_ = 0;  // held in the ledger for bytes still to come
  std::uint64_t lagging_ = 0;   // written, still reserved (at most the ledger's settle_lag)
  std::uint64_t held_ = 0;      // the partial's bytes, counted in the ledger's used
  bool ended_ = false;
};

}  // namespace netdisk::server::quota
