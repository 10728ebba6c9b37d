// Writes a one-sheet .xlsx workbook of plain text cells with libxlsxwriter and publishes it
// atomically (temporary file beside the target, fsync, rename, directory fsync; see
// AtomicFile). Every cell is a string, never a formula. Stateless: concurrent calls are safe as
// long as they target different files. Blocking: run on the blocking pool.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/file_identity.h"

namespace netdisk::storage {

// Rows of cells, top to bottom, left to right. An empty string leaves its cell blank.
using SheetRows = std::vector<std::vector<std::string>>;

inline constexpr std::size_t kMaxCellChars = 32767;  // Excel's limit, after escaping
inline constexpr std::size_t kMaxSheetRows = 1048576;

// Replaces `path` with a workbook holding one sheet named `sheet_name` with `rows`. On any
// failure the old file is untouched and the temporary file is gone. Errors: disk_full (ENOSPC,
// EDQUOT), permission_denied, not_found (missing directory), io_error (anything else, such as
// a cell that is not UTF-8 or is longer than kMaxCellChars once escaped).
Status write_workbook(const std::filesystem::path& path, std::string_view sheet_name,
                      const SheetRows& rows);

// write_workbook() that returns the identity of the file it published.
Result<FileIdentity> create_workbook(const std::filesystem::path& path, std::string_view sheet_name,
                                     const SheetRows& rows);

class AtomicFile;
// The last steps of writing a workbook by name into `file` (a temporary file inside `dirfd`):
// checks that the bytes went into that very file, then publishes it (AtomicFile::commit).
// Returns the identity of the published file.
Result<FileIdentity> publish_workbook(AtomicFile& file, int dirfd);

// The Office Open XML escape for text that XML 1.0 cannot carry: each control character other
// than tab and newline, and U+FFFE and U+FFFF, becomes "_xHHHH_" (its code in hex); an
// underscore that starts a literal "_xHHHH_" becomes "_x005F_" so it reads back as itself.
// Inverse: unescape_xlsx_text.
std::string escape_xlsx_text(std::string_view text);

}  // namespace netdisk::storage
