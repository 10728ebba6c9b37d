// Regression test for the bug "zip_extra_field_seeks", found by tests/fuzz/fuzz_workbook_reader:
// a 7 KiB users.xlsx whose central directory gives its entries huge extra fields made minizip's
// stdio source seek and read a few bytes at a time, for every entry, on every entry lookup:
// about 225,000 read and lseek system calls and over 20 s under the fuzzer for one small file.
// The reader now loads the archive once and indexes its central directory once
// (storage/zip_memory_source.h), so the file is read with a handful of system calls.
// The fuzzer's input is tests/fuzz/corpus/fuzz_workbook_reader/regress_zip_extra_field_seeks.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "storage/user_table.h"
#include "storage/workbook_reader.h"

namespace netdisk::storage {
namespace {

// read(2)-family system calls this process has made so far (Linux /proc/self/io "syscr").
long read_syscalls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long value = 0;
  while (io >> key >> value) {
    if (key == "syscr:") return value;
  }
  return -1;
}

TEST(ZipExtraFieldSeeks, ACraftedCentralDirectoryIsReadWithAHandfulOfSystemCalls) {
  std::string input = std::string(NETDISK_FUZZ_CORPUS_DIR) +
                      "/fuzz_workbook_reader/regress_zip_extra_field_seeks";
  long before = read_syscalls();
  ASSERT_GE(before, 0) << "/proc/self/io is not readable here";
  auto rows = read_workbook_sheet(input, kUsersSheet, WorkbookLimits{});
  long reads = read_syscalls() - before;

  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().code, Errc::io_error);
  EXPECT_NE(rows.error().message.find("is damaged"), std::string::npos) << rows.error().message;
  EXPECT_LE(reads, 16) << "the workbook reader went back to re-reading the file piecemeal";
}

}  // namespace
}  // namespace netdisk::storage
