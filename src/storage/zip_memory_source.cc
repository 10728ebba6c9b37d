#include "storage/zip_memory_source.h"

#include <algorithm>
#include <cstring>

namespace netdisk::storage {
namespace {

struct Cursor {
  const std::string* bytes;
  ZPOS64_T position = 0;
};

voidpf ZCALLBACK open_source(voidpf, const void* source, int mode) {
  if ((mode & ZLIB_FILEFUNC_MODE_READWRITEFILTER) != ZLIB_FILEFUNC_MODE_READ) return nullptr;
  return new Cursor{&static_cast<const ZipMemorySource*>(source)->bytes};
}

uLong ZCALLBACK read_source(voidpf, voidpf stream, void* buffer, uLong size) {
  auto& cursor = *static_cast<Cursor*>(stream);
  ZPOS64_T available = cursor.bytes->size() - std::min<ZPOS64_T>(cursor.position,
                                                                  cursor.bytes->size());
  auto count = static_cast<uLong>(std::min<ZPOS64_T>(size, available));
  if (count > 0) std::memcpy(buffer, cursor.bytes->data() + cursor.position, count);
  cursor.position += count;
  return count;
}

uLong ZCALLBACK write_source(voidpf, voidpf, const void*, uLong) { return 0; }

ZPOS64_T ZCALLBACK tell_source(voidpf, voidpf stream) {
  return static_cast<Cursor*>(stream)->position;
}

long ZCALLBACK seek_source(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto& cursor = *static_cast<Cursor*>(stream);
  ZPOS64_T base = 0;
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
    case ZLIB_FILEFUNC_SEEK_CUR: base = cursor.position; break;
    case ZLIB_FILEFUNC_SEEK_END: base = cursor.bytes->size(); break;
    default: return -1;
  }
  // minizip passes negative offsets for SEEK_END as unsigned wrap-around; only positions
  // inside the archive (or just past its end) are accepted.
  ZPOS64_T target = base + offset;
  if (target > cursor.bytes->size()) return -1;
  cursor.position = target;
  return 0;
}

int ZCALLBACK close_source(voidpf, voidpf stream) {
  delete static_cast<Cursor*>(stream);
  return 0;
}

int ZCALLBACK error_source(voidpf, voidpf) { return 0; }

}  // namespace

zlib_filefunc64_def ZipMemorySource::functions() {
  zlib_filefunc64_def table{};
  table.zopen64_file = open_source;
  table.zread_file = read_source;
  table.zwrite_file = write_source;
  table.ztell64_file = tell_source;
  table.zseek64_file = seek_source;
  table.zclose_file = close_source;
  table.zerror_file = error_source;
  table.opaque = nullptr;
  return table;
}

}  // namespace netdisk::storage
