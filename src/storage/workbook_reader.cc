#include "storage/workbook_reader.h"

#include <sys/stat.h>
#include <unzip.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "storage/excel_date.h"
#include "storage/xlsx_xml.h"

namespace netdisk::storage {
namespace {

constexpr std::uint32_t kMaxRowNumber = 1048576;  // Excel's limits
constexpr std::size_t kMaxColumnNumber = 16384;
constexpr std::string_view kFallbackSheet = "xl/worksheets/sheet1.xml";
constexpr std::string_view kFallbackSharedStrings = "xl/sharedStrings.xml";
constexpr std::string_view kFallbackStyles = "xl/styles.xml";

Error damaged(std::string_view what) { return make_error(Errc::io_error, std::string(what)); }

// Parses an unsigned decimal of at most 10 digits; nullopt for anything else.
std::optional<std::uint64_t> parse_index(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// Resolves a relationship target from xl/_rels/workbook.xml.rels to a zip entry name.
std::string resolve_target(std::string_view target) {
  if (target.starts_with('/')) return std::string(target.substr(1));
  std::vector<std::string_view> parts{"xl"};
  while (!target.empty()) {
    auto slash = target.find('/');
    std::string_view part = target.substr(0, slash);
    target = slash == std::string_view::npos ? std::string_view{} : target.substr(slash + 1);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
  }
  std::string out;
  for (auto part : parts) out += (out.empty() ? "" : "/") + std::string(part);
  return out;
}

// xl/workbook.xml: the sheets in tab order, each with its relationship id, and whether dates
// count from 1904 (<workbookPr date1904="1"/>, old Mac Excel) instead of 1900.
struct SheetListHandler : XmlHandler {
  struct Entry {
    std::string name;
    std::string rel_id;
  };
  std::vector<Entry> sheets;
  bool date1904 = false;

  void start(std::string_view name, const XmlAttributes& attrs) override {
    if (name == "workbookPr") {
      auto flag = attrs.get("date1904").value_or("0");
      date1904 = flag == "1" || flag == "true";
    }
    if (name != "sheet") return;
    sheets.push_back(
        {std::string(attrs.get("name").value_or("")), std::string(attrs.get("id").value_or(""))});
  }
};

// xl/_rels/workbook.xml.rels: relationship id -> target, and the shared strings target.
struct RelationsHandler : XmlHandler {
  std::unordered_map<std::string, std::string> targets;
  std::optional<std::string> shared_strings;
  std::optional<std::string> styles;

  void start(std::string_view name, const XmlAttributes& attrs) override {
    if (name != "Relationship") return;
    auto id = attrs.get("Id");
    auto target = attrs.get("Target");
    if (!id || !target) return;
    targets.emplace(std::string(*id), resolve_target(*target));
    if (attrs.get("Type").value_or("").ends_with("/sharedStrings")) {
      shared_strings = resolve_target(*target);
    }
    if (attrs.get("Type").value_or("").ends_with("/styles")) styles = resolve_target(*target);
  }
};

// xl/sharedStrings.xml: each <si> is one string, possibly split into rich-text runs <r><t>;
// phonetic hints (<rPh>) are not part of the text.
struct SharedStringsHandler : XmlHandler {
  std::vector<std::string> strings;
  std::string current;
  int phonetic_depth = 0;
  bool in_text = false;

  void start(std::string_view name, const XmlAttributes&) override {
    if (name == "si") current.clear();
    if (name == "rPh") ++phonetic_depth;
    if (name == "t" && phonetic_depth == 0) in_text = true;
  }
  void end(std::string_view name) override {
    if (name == "t") in_text = false;
    if (name == "rPh") --phonetic_depth;
    if (name == "si") strings.push_back(unescape_xlsx_text(current));
  }
  void text(std::string_view chars) override {
    if (in_text) current += chars;
  }
};

// xl/styles.xml: which cell styles show their number as a date. A cell's s="N" is an index
// into <cellXfs>; each <xf> there names a number format, built in or a <numFmt> of the file.
struct StylesHandler : XmlHandler {
  std::unordered_map<std::uint64_t, std::string> codes;  // <numFmt> id -> formatCode
  std::vector<std::uint64_t> cell_formats;                // numFmtId of each <cellXfs> <xf>
  int cell_xfs_depth = 0;

  void start(std::string_view name, const XmlAttributes& attrs) override {
    if (name == "numFmt") {
      auto id = parse_index(attrs.get("numFmtId").value_or(""));
      if (id) codes[*id] = std::string(attrs.get("formatCode").value_or(""));
    } else if (name == "cellXfs") {
      ++cell_xfs_depth;
    } else if (name == "xf" && cell_xfs_depth > 0) {
      cell_formats.push_back(parse_index(attrs.get("numFmtId").value_or("0")).value_or(0));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") --cell_xfs_depth;
  }
  std::vector<bool> date_styles() const {
    std::vector<bool> out;
    out.reserve(cell_formats.size());
    for (auto id : cell_formats) {
      auto code = codes.find(id);
      auto small_id = static_cast<unsigned>(std::min<std::uint64_t>(id, 0xFFFF));
      out.push_back(is_date_number_format(small_id, code == codes.end() ? "" : code->second));
    }
    return out;
  }
};

// How numbers in date-styled cells are read: the styles that are dates, and the date system.
struct DateStyles {
  std::vector<bool> is_date;  // by cell style index
  bool date1904 = false;
};

// xl/worksheets/sheetN.xml: <row r="N"><c r="C5" t="s|str|inlineStr|..."><v>..</v></c>.
class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const std::vector<std::string>& shared, const DateStyles& dates,
               const WorkbookLimits& limits)
      : shared_(shared), dates_(dates), limits_(limits) {}

  std::vector<SheetRow> rows;

  void start(std::string_view name, const XmlAttributes& attrs) override {
    if (name == "row") return start_row(attrs);
    if (name == "c") return start_cell(attrs);
    if (name == "v" && in_cell_) capture_ = &value_;
    if (name == "rPh") ++phonetic_depth_;
    if (name == "t" && in_cell_ && phonetic_depth_ == 0) capture_ = &inline_text_;
  }
  void end(std::string_view name) override {
    if (name == "v" || name == "t") capture_ = nullptr;
    if (name == "rPh") --phonetic_depth_;
    if (name == "c") end_cell();
    if (name == "row") end_row();
  }
  void text(std::string_view chars) override {
    if (capture_ != nullptr) capture_->append(chars);
  }

 private:
  void start_row(const XmlAttributes& attrs) {
    std::uint64_t number = row_number_ + 1;
    if (auto r = attrs.get("r")) {
      auto parsed = parse_index(*r);
      if (!parsed) return fail(fmt::format("bad row number \"{}\"", *r));
      number = *parsed;
    }
    if (number <= row_number_ || number > kMaxRowNumber) {
      return fail(fmt::format("row {} is out of order", number));
    }
    row_number_ = static_cast<std::uint32_t>(number);
    row_ = SheetRow{row_number_, {}, {}, std::nullopt};
    column_ = 0;
  }
  void end_row() {
    if (row_.cells.empty() && !row_.ignored_column) return;
    if (rows.size() >= limits_.max_rows) return fail("too many rows");
    rows.push_back(std::move(row_));
    row_ = SheetRow{};
  }
  void start_cell(const XmlAttributes& attrs) {
    if (row_number_ == 0) return fail("a cell outside any row");
    std::size_t column = column_;
    if (auto r = attrs.get("r")) {
      auto parsed = column_of_reference(*r);
      if (!parsed) return fail(fmt::format("bad cell reference \"{}\"", *r));
      column = *parsed;
    }
    in_cell_ = true;
    cell_column_ = column;
    column_ = column + 1;
    type_ = std::string(attrs.get("t").value_or("n"));
    auto style = parse_index(attrs.get("s").value_or("0"));
    is_date_ = style && *style < dates_.is_date.size() && dates_.is_date[*style];
    value_.clear();
    inline_text_.clear();
  }
  void end_cell() {
    in_cell_ = false;
    std::string text;
    CellKind kind = CellKind::text;
    if (type_ == "s") {
      auto index = parse_index(value_);
      if (!index || *index >= shared_.size()) {
        return fail(fmt::format("row {}: bad shared string index \"{}\"", row_number_, value_));
      }
      text = shared_[*index];
    } else if (type_ == "inlineStr") {
      text = unescape_xlsx_text(inline_text_);
    } else if (type_ == "str") {
      text = unescape_xlsx_text(value_);
    } else if (type_ == "n" && is_date_) {
      // A date the way Excel keeps one; text that is not a serial date stays as stored.
      text = excel_serial_to_iso8601(value_, dates_.date1904).value_or(value_);
      kind = CellKind::date;
    } else {
      text = value_;  // a number, boolean or error code: its stored text
      kind = type_ == "n" ? CellKind::number : CellKind::other;
    }
    if (text.empty()) return;
    if (cell_column_ >= limits_.max_columns) {
      if (!row_.ignored_column || cell_column_ < *row_.ignored_column) {
        row_.ignored_column = cell_column_;
      }
      return;
    }
    if (row_.cells.size() <= cell_column_) {
      row_.cells.resize(cell_column_ + 1);
      row_.kinds.resize(cell_column_ + 1, CellKind::text);
    }
    row_.cells[cell_column_] = std::move(text);
    row_.kinds[cell_column_] = kind;
  }

  const std::vector<std::string>& shared_;
  const DateStyles& dates_;
  const WorkbookLimits& limits_;
  SheetRow row_;
  std::uint32_t row_number_ = 0;
  std::size_t column_ = 0;
  std::size_t cell_column_ = 0;
  bool in_cell_ = false;
  bool is_date_ = false;
  int phonetic_depth_ = 0;
  std::string type_;
  std::string value_;
  std::string inline_text_;
  std::string* capture_ = nullptr;
};

// Picks the sheet's zip entry through workbook.xml and its relationships; falls back to
// sheet1.xml when those are missing or do not say.
Result<std::string> locate_sheet(ZipReader& zip, std::string_view sheet_name,
                                 const RelationsHandler& rels, const WorkbookLimits& limits,
                                 bool& date1904) {
  SheetListHandler list;
  if (zip.contains("xl/workbook.xml")) {
    if (auto parsed = parse_zip_entry(zip, "xl/workbook.xml", limits.max_entry_bytes, list);
        !parsed) {
      return std::move(parsed).error();
    }
  }
  date1904 = list.date1904;
  const SheetListHandler::Entry* chosen = nullptr;
  for (const auto& sheet : list.sheets) {
    if (sheet.name == sheet_name) chosen = &sheet;
  }
  if (chosen == nullptr && !list.sheets.empty()) chosen = &list.sheets.front();
  if (chosen != nullptr) {
    auto target = rels.targets.find(chosen->rel_id);
    if (target != rels.targets.end() && zip.contains(target->second)) return target->second;
  }
  if (zip.contains(kFallbackSheet)) return std::string(kFallbackSheet);
  return damaged("the workbook has no worksheet");
}

Status read_relations(ZipReader& zip, const WorkbookLimits& limits, RelationsHandler& rels) {
  constexpr std::string_view kRels = "xl/_rels/workbook.xml.rels";
  if (!zip.contains(kRels)) return {};
  return parse_zip_entry(zip, kRels, limits.max_entry_bytes, rels);
}

Result<std::vector<SheetRow>> read_sheet(ZipReader& zip, std::string_view sheet_name,
                                         const WorkbookLimits& limits) {
  RelationsHandler rels;
  if (auto parsed = read_relations(zip, limits, rels); !parsed) return std::move(parsed).error();
  DateStyles dates;
  auto sheet_entry = locate_sheet(zip, sheet_name, rels, limits, dates.date1904);
  if (!sheet_entry) return std::move(sheet_entry).error();
  std::string styles_entry = rels.styles.value_or(std::string(kFallbackStyles));
  if (zip.contains(styles_entry)) {
    StylesHandler styles;
    if (auto parsed = parse_zip_entry(zip, styles_entry, limits.max_entry_bytes, styles); !parsed) {
      return std::move(parsed).error();
    }
    dates.is_date = styles.date_styles();
  }

  SharedStringsHandler shared;
  std::string shared_entry = rels.shared_strings.value_or(std::string(kFallbackSharedStrings));
  if (zip.contains(shared_entry)) {
    if (auto parsed = parse_zip_entry(zip, shared_entry, limits.max_entry_bytes, shared); !parsed) {
      return std::move(parsed).error();
    }
  }
  SheetHandler sheet(shared.strings, dates, limits);
  if (auto parsed = parse_zip_entry(zip, *sheet_entry, limits.max_entry_bytes, sheet); !parsed) {
    return std::move(parsed).error();
  }
  return std::move(sheet.rows);
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// The UTF-16 unit of an "_xHHHH_" escape at the start of `text`, if there is one.
std::optional<char16_t> escape_at(std::string_view text) {
  if (text.size() < 7 || text[0] != '_' || text[1] != 'x' || text[6] != '_') return std::nullopt;
  char16_t unit = 0;
  for (std::size_t i = 2; i < 6; ++i) {
    char c = text[i];
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    unit = static_cast<char16_t>(unit * 16 + digit);
  }
  return unit;
}

}  // namespace

std::optional<std::size_t> column_of_reference(std::string_view ref) {
  std::size_t column = 0;
  std::size_t letters = 0;
  for (; letters < ref.size() && letters < 4; ++letters) {
    char c = ref[letters];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
  }
  if (letters == 0 || column > kMaxColumnNumber || !parse_index(ref.substr(letters))) {
    return std::nullopt;
  }
  return column - 1;
}

std::string column_letters(std::size_t column) {
  std::string name;
  for (++column; column > 0; column = (column - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (column - 1) % 26));
  }
  return name;
}

Result<std::string> find_sheet_entry(ZipReader& zip, std::string_view sheet_name,
                                     const WorkbookLimits& limits) {
  RelationsHandler rels;
  if (auto parsed = read_relations(zip, limits, rels); !parsed) return std::move(parsed).error();
  bool date1904 = false;
  return locate_sheet(zip, sheet_name, rels, limits, date1904);
}

std::string unescape_xlsx_text(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto unit = escape_at(text.substr(i));
    if (!unit) {
      out += text[i++];
      continue;
    }
    i += 7;
    char32_t code = *unit;
    if (code >= 0xD800 && code <= 0xDBFF) {
      auto low = escape_at(text.substr(i));
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
        i += 7;
      } else {
        code = 0xFFFD;
      }
    } else if (code >= 0xDC00 && code <= 0xDFFF) {
      code = 0xFFFD;
    }
    append_utf8(out, code);
  }
  return out;
}

Result<std::vector<SheetRow>> read_workbook_sheet(const std::filesystem::path& path,
                                                  std::string_view sheet_name,
                                                  const WorkbookLimits& limits) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return error_from_errno(errno, "open workbook");
  std::string file_name = path.filename().string();
  if (!S_ISREG(info.st_mode)) {
    return make_error(Errc::io_error, fmt::format("{} is not a regular file", file_name));
  }
  auto result = [&]() -> Result<std::vector<SheetRow>> {
    auto zip = ZipReader::open(path);
    if (!zip) return std::move(zip).error();
    return read_sheet(*zip, sheet_name, limits);
  }();
  if (!result) {
    return make_error(Errc::io_error,
                      fmt::format("{} is damaged: {}", file_name, result.error().message));
  }
  return result;
}

}  // namespace netdisk::storage
