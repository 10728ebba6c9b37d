#include "storage/fault_plan.h"

#include <algorithm>
#include <utility>

namespace netdisk::storage {

void FaultPlan::fail_write(std::size_t nth, StorageErrc code) {
  std::lock_guard lock(mutex_);
  writes_until_failure_ = std::max<std::size_t>(nth, 1);
  write_failure_ = code;
}

void FaultPlan::short_write(std::size_t kept) {
  std::lock_guard lock(mutex_);
  short_write_ = kept;
}

void FaultPlan::fail_read() {
  std::lock_guard lock(mutex_);
  read_fault_ = true;
}

void FaultPlan::fail_list() {
  std::lock_guard lock(mutex_);
  list_fault_ = true;
}

void FaultPlan::crash_before_publish() {
  std::lock_guard lock(mutex_);
  crash_ = true;
}

std::optional<FaultPlan::WriteFault> FaultPlan::take_write_fault(std::size_t length) {
  std::lock_guard lock(mutex_);
  if (short_write_) {
    WriteFault fault{std::min(*short_write_, length), StorageErrc::io_error};
    short_write_.reset();
    return fault;
  }
  if (writes_until_failure_ == 0) return std::nullopt;
  if (--writes_until_failure_ > 0) return std::nullopt;
  return WriteFault{0, write_failure_};
}

bool FaultPlan::take_read_fault() {
  std::lock_guard lock(mutex_);
  return std::exchange(read_fault_, false);
}

bool FaultPlan::take_list_fault() {
  std::lock_guard lock(mutex_);
  return std::exchange(list_fault_, false);
}

bool FaultPlan::take_crash() {
  std::lock_guard lock(mutex_);
  return std::exchange(crash_, false);
}

void FaultPlan::fail_property_write(StorageErrc code) {
  std::lock_guard lock(mutex_);
  property_fault_ = code;
}

std::optional<StorageErrc> FaultPlan::take_property_fault() {
  std::lock_guard lock(mutex_);
  return std::exchange(property_fault_, std::nullopt);
}

}  // namespace netdisk::storage

namespace netdisk::storage {

void FaultPlan::crash_after_keeping_version() {
  std::lock_guard lock(mutex_);
  version_crash_ = true;
}

bool FaultPlan::take_version_crash() {
  std::lock_guard lock(mutex_);
  return std::exchange(version_crash_, false);
}

}  // namespace netdisk::storage
