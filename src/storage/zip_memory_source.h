// An archive held in memory, read by minizip through its file-function table. The workbook
// reader uses it instead of minizip's stdio source: minizip re-seeks before nearly every small
// read, and on a crafted central directory (huge extra fields) stdio turned that into hundreds
// of thousands of read/lseek system calls for a 7 KiB file (found by fuzz_workbook_reader).
// One source belongs to one ZipReader, and so to one thread at a time.
#pragma once

#include <string>

#include <ioapi.h>

namespace netdisk::storage {

struct ZipMemorySource {
  std::string bytes;  // the whole archive; its address is what minizip "opens"

  // File functions for unzOpen2_64(this, &functions): every open gets its own cursor.
  zlib_filefunc64_def functions();
};

}  // namespace netdisk::storage
