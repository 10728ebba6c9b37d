// Rewrites the server's own cells of an existing .xlsx workbook and keeps everything else the
// administrator made: every other zip entry is copied byte for byte (other sheets, styles,
// shared strings, column widths, the sheet's name), and in the patched sheet only the cells of
// the owned columns change; every other cell keeps its XML verbatim (style, type, value), and
// everything outside <sheetData> (<cols>, <sheetViews>, merged cells, ...) is kept as it was.
// Published like write_workbook (temporary file, fsync, rename). Stateless; blocking: run it on
// the blocking pool.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/file_identity.h"

namespace netdisk::storage {

// The cells to write: for each row listed, the owned columns' values; rows not listed are kept
// as they are.
struct SheetPatch {
  // The owned columns, 0-based; nullopt for one the sheet lacks, which is put in the first
  // column right of every cell in use.
  std::vector<std::optional<std::size_t>> columns;
  struct Row {
    std::uint32_t number;            // 1-based; a row the sheet lacks is inserted
    std::vector<std::string> cells;  // parallel to `columns`; empty: a blank cell
  };
  std::vector<Row> rows;                  // in ascending row order
  // Rows to take out whole (a deleted user's), the administrator's cells in them included.
  // The rows below keep their numbers: nothing else of the sheet (merged cells, formulas
  // elsewhere) has to be renumbered, and a blank row is no user.
  std::vector<std::uint32_t> removed;
  std::vector<std::string> column_names;  // for error messages, parallel to `columns`
};

// The sheet XML `xml` with `patch` applied. Owned cells are written as inline strings and keep
// the cell's style (s=). Errors: workbook_invalid, saying what to move where, when the sheet
// holds a formula in an owned column or a table (whose range the new rows would leave behind);
// io_error when `xml` is not a well-formed sheet.
Result<std::string> patch_sheet_xml(std::string_view xml, const SheetPatch& patch);

// A workbook just published: its identity and where the owned columns ended up.
struct WrittenWorkbook {
  FileIdentity identity;
  std::vector<std::size_t> columns;
};

// Applies `patch` to the sheet named `sheet_name` (or the first sheet) of the workbook at
// `path`, which must still be the version `expected` (else version_mismatch, nothing written).
// Returns the identity of the file published. On failure the old file is untouched. Errors:
// version_mismatch, workbook_invalid (as patch_sheet_xml), io_error (a damaged file),
// disk_full, permission_denied.
Result<WrittenWorkbook> patch_workbook(const std::filesystem::path& path,
                                       std::string_view sheet_name, const SheetPatch& patch,
                                       const FileIdentity& expected);

// The owned columns `patch` ends up in, in a sheet whose rightmost cell is in `max_column`
// (nullopt: no cell).
std::vector<std::size_t> resolve_columns(const SheetPatch& patch,
                                         std::optional<std::size_t> max_column);

}  // namespace netdisk::storage
