#include "server/quota/quota_sink.h"

namespace netdisk::server::quota {

using storage::StorageErrc;

QuotaSink::QuotaSink(std::unique_ptr<storage::UploadSink> inner,
                     std::shared_ptr<QuotaLedger> ledger, std::string user, std::uint64_t reserved)
    : inner_(std::move(inner)),
      ledger_(std::move(ledger)),
      user_(std::move(user)),
      reserved_(reserved),
      held_(inner_->offset()) {}

QuotaSink::~QuotaSink() {
  // Dropped without commit or discard: the backend keeps a resumable partial (still counted)
  // and removes any other.
  if (!ended_) end(!inner_->resumable());
}

storage::StorageStatus QuotaSink::write(std::span<const std::byte> bytes) {
  if (ended_) return inner_->write(bytes);
  std::uint64_t n = bytes.size();
  // A sized sink refuses bytes past its size itself (size_mismatch); only an unsized one
  // needs more room than was reserved at the start.
  if (n > reserved_ && !inner_->size_known()) {
    auto more = ledger_->reserve(user_, n - reserved_);
    if (!more) {
      // Nothing of this write is stored; the upload ends and its partial goes (an unsized
      // upload is never resumable). The file at the name is untouched.
      inner_->discard();
      end(true);
      return more;
    }
    reserved_ = n;
  }
  auto written = inner_->write(bytes);
  if (written) {
    // The last settle_lag() written bytes stay reserved: the ledger's truth may not count
    // them yet (a cluster sink records a chunk only once it is full).
    reserved_ -= std::min(n, reserved_);
    lagging_ += n;
    std::uint64_t lag = ledger_->settle_lag();
    if (lagging_ > lag) {
      std::uint64_t now = lagging_ - lag;
      ledger_->settle(user_, now);
      lagging_ -= now;
      held_ += now;
    }
  } else if (written.error().code != StorageErrc::size_mismatch) {
    end(true);  // a failed write removed the partial (user_space.h)
  }
  return written;
}

storage::StorageResult<storage::Published> QuotaSink::commit(const storage::TargetCheck& check) {
  // The backend says what the commit deleted for good (old versions it dropped, or the
  // replaced file when no version keeps it), read at the step that replaced it.
  auto published = inner_->commit(check);
  if (published) {
    end(false);  // the partial's bytes are the new file's now
    ledger_->release(user_, published->freed.bytes);
  } else if (published.error().code == StorageErrc::checksum_mismatch) {
    end(true);  // the partial was removed
  }
  // Any other failure leaves the sink as it was (a short upload stays resumable); the
  // destructor settles what remains.
  return published;
}

void QuotaSink::discard() noexcept {
  inner_->discard();
  end(true);
}

void QuotaSink::end(bool partial_removed) noexcept {
  if (ended_) return;
  ended_ = true;
  if (partial_removed) {
    ledger_->unreserve(user_, reserved_ + lagging_);
    ledger_->release(user_, held_);
  } else {
    // Kept (committed, or a resumable partial): the lagging bytes are stored.
    if (lagging_ > 0) ledger_->settle(user_, lagging_);
    ledger_->unreserve(user_, reserved_);
  }
  reserved_ = 0;
  lagging_ = 0;
  held_ = 0;
}

}  // namespace netdisk::server::quota
