// The storage error vocabulary (storage/storage_error.h) and its bridge to Errc
// (storage/errc_bridge.h): errno values map to the documented kinds, and a round trip through
// Errc keeps the kind and the message.
#include "storage/storage_error.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "storage/errc_bridge.h"

namespace netdisk::storage {
namespace {

TEST(StorageError, ErrnoValuesMapToTheirKinds) {
  EXPECT_EQ(storage_error_from_errno(ENOSPC, "write").code, StorageErrc::no_space);
  EXPECT_EQ(storage_error_from_errno(EDQUOT, "write").code, StorageErrc::no_space);
  EXPECT_EQ(storage_error_from_errno(ENOENT, "open").code, StorageErrc::not_found);
  EXPECT_EQ(storage_error_from_errno(EROFS, "open").code, StorageErrc::denied);
  EXPECT_EQ(storage_error_from_errno(ELOOP, "open").code, StorageErrc::bad_name);
  EXPECT_EQ(storage_error_from_errno(EIO, "read").code, StorageErrc::io_error);
  EXPECT_EQ(storage_error_from_errno(ENOSPC, "write upload").message, "write upload: disk full");
  EXPECT_EQ(storage_errc_name(StorageErrc::condition_failed), "condition_failed");
}

TEST(StorageError, EveryKindSurvivesARoundTripThroughErrc) {
  for (int code = 0; code <= static_cast<int>(StorageErrc::io_error); ++code) {
    StorageError error{static_cast<StorageErrc>(code), "message"};
    auto back = storage_error_of(errc_error_of(error));
    EXPECT_EQ(back.code, error.code) << storage_errc_name(error.code);
    EXPECT_EQ(back.message, "message");
  }
  EXPECT_EQ(errc_error_of({StorageErrc::condition_failed, "m"}).code, Errc::precondition_failed);
}

}  // namespace
}  // namespace netdisk::storage
