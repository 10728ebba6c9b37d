// Reads the text of one sheet of an .xlsx workbook: minizip opens the zip, expat parses the
// XML. Written for files that may be damaged or hostile: every entry's size and the number of
// rows are capped, DTDs are refused, and any defect is an Error (never a crash or exception).
// Understands what Excel and LibreOffice write: shared, inline and formula-string cells and
// sparse cell references. Stateless: safe from any thread. Blocking: run on the blocking pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::storage {

// What a cell held before it became text: a name must be text, since a spreadsheet turns a
// typed "007" into the number 7.
enum class CellKind : std::uint8_t { text, number, date, other };

struct SheetRow {
  std::uint32_t number = 0;        // 1-based, as the spreadsheet shows it
  std::vector<std::string> cells;  // column A first; blank cells are empty strings
  std::vector<CellKind> kinds;     // the kind of each cell in `cells` (blank ones: text)
  // The leftmost non-blank cell right of WorkbookLimits::max_columns (0-based), which `cells`
  // leaves out; a row holding only such cells is still returned, with no cells.
  std::optional<std::size_t> ignored_column;
};

struct WorkbookLimits {
  std::size_t max_entry_bytes = std::size_t{64} << 20;  // uncompressed, per zip entry
  std::size_t max_rows = 200000;                        // rows holding at least one cell
  std::size_t max_columns = 16;  // cells further right are left out (see ignored_column)
};

// Reads the sheet named `sheet_name` or, when there is none by that name, the first sheet.
// Rows come in sheet order; rows without cells are left out. Text cells are decoded with
// unescape_xlsx_text; numeric and boolean cells give their stored text ("42", "1"), except a
// number in a cell whose style has a date or time number format (a date typed in Excel or
// LibreOffice): that gives the moment as "YYYY-MM-DDTHH:MM:SSZ" (excel_date.h; the 1904 date
// system when the workbook says so; the wall-clock time in the cell is taken as UTC).
// Errors: not_found when the file does not exist; otherwise io_error with a message
// "<file name> is damaged: <what>" (not a zip, missing sheet, bad XML, too big, ...).
Result<std::vector<SheetRow>> read_workbook_sheet(const std::filesystem::path& path,
                                                  std::string_view sheet_name,
                                                  const WorkbookLimits& limits = {});

// The 0-based column of a cell reference such as "C5" or "ab12" (Excel's limit of 16,384
// columns); nullopt when it is malformed.
std::optional<std::size_t> column_of_reference(std::string_view reference);

// The letters of 0-based `column`: "A", "E", "AA".
std::string column_letters(std::size_t column);

class ZipReader;

// The zip entry of the sheet read_workbook_sheet() would read (for workbook_patcher). Errors as
// read_workbook_sheet's, without the file name.
Result<std::string> find_sheet_entry(ZipReader& zip, std::string_view sheet_name,
                                     const WorkbookLimits& limits = {});

// Decodes the "_xHHHH_" escapes Office Open XML uses for characters XML cannot carry (the
// inverse of escape_xlsx_text). UTF-16 surrogate pairs are joined; a lone surrogate becomes
// U+FFFD.
std::string unescape_xlsx_text(std::string_view text);

}  // namespace netdisk::storage
