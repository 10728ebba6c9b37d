// FaultPlan: the faults a test arms in MemoryBackend (memory_space.h), each consumed when it
// fires: a failed write (no_space, io_error) of the Nth write from now, a short write, a failed
// read or listing, a failed property write, and a crash between the two steps of a commit (the
// bytes are durable, the name not yet replaced, as after kill -9). Thread-safe: a mutex guards the
// armed faults, so a test may arm them from one thread while uploads run on others.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>

#include "storage/storage_error.h"

namespace netdisk::storage {

class FaultPlan {
 public:
  // The `nth` upload write from now (1 = the next one) fails with `code`, keeping nothing.
  void fail_write(std::size_t nth, StorageErrc code);
  // The next upload write keeps only its first `kept` bytes, then fails with io_error.
  void short_write(std::size_t kept);
  // The next OpenFile::read_at fails with io_error.
  void fail_read();
  // The next UserSpace::list fails with io_error.
  void fail_list();
  // The next UploadSink::commit stops after its bytes are durable and before the name is
  // replaced: it reports io_error and the sink is dead, its partial left as a crash leaves it.
  void crash_before_publish();
  // The next UploadSink::commit that replaces a file stops after the old content is kept as
  // a version and before the name is replaced, as kill -9 between those two steps would.
  void crash_after_keeping_version();
  // The next UserSpace::patch_properties fails with `code` (io_error, no_space) at the step
  // that would store the new set: nothing changes.
  void fail_property_write(StorageErrc code);

  // For MemorySpace: consume a fault if one is armed for this step.
  struct WriteFault {
    std::size_t kept = 0;  // bytes of the write that still land
    StorageErrc code = StorageErrc::io_error;
  };
  std::optional<WriteFault> take_write_fault(std::size_t length);
  bool take_read_fault();
  bool take_list_fault();
  bool take_crash();
  bool take_version_crash();
  std::optional<StorageErrc> take_property_fault();

 private:
  std::mutex mutex_;
  std::size_t writes_until_failure_ = 0;  // 0: none armed
  StorageErrc write_failure_ = StorageErrc::io_error;
  std::optional<std::size_t> short_write_;
  bool read_fault_ = false;
  bool list_fault_ = false;
  bool crash_ = false;
  bool version_crash_ = false;
  std::optional<StorageErrc> property_fault_;
};

}  // namespace netdisk::storage
