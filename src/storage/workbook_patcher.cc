#include "storage/workbook_patcher.h"

#include <fcntl.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include <fmt/format.h>

#include "common/markup_escape.h"
#include "storage/atomic_file.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"
#include "storage/xlsx_xml.h"

namespace netdisk::storage {
namespace {

constexpr std::size_t kNone = std::string_view::npos;

struct RawCell {
  std::size_t column = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string style;  // the s= attribute, if any
  bool formula = false;
};

struct RawRow {
  std::uint32_t number = 0;
  std::size_t begin = 0;
  std::size_t tag_end = 0;  // end of the start tag
  std::size_t end = 0;
  std::vector<RawCell> cells;
};

// Finds where <sheetData>, its rows and their cells sit in the sheet's XML.
class SheetScan : public XmlHandler {
 public:
  std::vector<RawRow> rows;
  std::size_t data_begin = kNone;
  std::size_t data_tag_end = 0;
  std::size_t data_close = kNone;  // where </sheetData> starts; kNone for <sheetData/>
  std::size_t max_column = 0;
  bool any_cell = false;
  bool has_table = false;

  void start(std::string_view name, const XmlAttributes& attrs) override {
    std::size_t tag_end = event_offset() + event_length();
    if (name == "sheetData" && data_begin == kNone) {
      data_begin = event_offset();
      data_tag_end = tag_end;
      in_data_ = true;
    } else if (name == "row" && in_data_) {
      start_row(attrs, tag_end);
    } else if (name == "c" && in_data_ && !rows.empty()) {
      start_cell(attrs, tag_end);
    } else if (name == "f" && in_cell_) {
      rows.back().cells.back().formula = true;
    } else if (name == "tablePart") {
      has_table = true;
    }
  }
  void end(std::string_view name) override {
    // The end of an empty element (<c/>) has no bytes of its own: its start tag was all of it.
    bool empty = event_length() == 0;
    std::size_t end_at = event_offset() + event_length();
    if (name == "sheetData" && in_data_) {
      in_data_ = false;
      if (!empty) data_close = event_offset();
    } else if (name == "row" && in_data_) {
      rows.back().end = empty ? rows.back().tag_end : end_at;
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      rows.back().cells.back().end = empty ? cell_tag_end_ : end_at;
    }
  }

 private:
  void start_row(const XmlAttributes& attrs, std::size_t tag_end) {
    std::uint32_t number = rows.empty() ? 1 : rows.back().number + 1;
    if (auto r = attrs.get("r")) {
      std::uint32_t parsed = 0;
      for (char c : *r) {
        if (c < '0' || c > '9' || parsed > 1048576) return fail(fmt::format("bad row \"{}\"", *r));
        parsed = parsed * 10 + static_cast<std::uint32_t>(c - '0');
      }
      if (parsed == 0) return fail(fmt::format("bad row \"{}\"", *r));
      number = parsed;
    }
    if (!rows.empty() && number <= rows.back().number) {
      return fail(fmt::format("row {} is out of order", number));
    }
    rows.push_back({number, event_offset(), tag_end, tag_end, {}});
    next_column_ = 0;
  }
  void start_cell(const XmlAttributes& attrs, std::size_t tag_end) {
    std::size_t column = next_column_;
    if (auto r = attrs.get("r")) {
      auto parsed = column_of_reference(*r);
      if (!parsed) return fail(fmt::format("bad cell reference \"{}\"", *r));
      column = *parsed;
    }
    next_column_ = column + 1;
    max_column = std::max(max_column, column);
    any_cell = true;
    in_cell_ = true;
    cell_tag_end_ = tag_end;
    rows.back().cells.push_back(
        {column, event_offset(), tag_end, std::string(attrs.get("s").value_or("")), false});
  }

  bool in_data_ = false;
  bool in_cell_ = false;
  std::size_t next_column_ = 0;
  std::size_t cell_tag_end_ = 0;
};

// Writes new rows and cells in the namespace prefix the sheet uses ("x:" when it says
// <x:sheetData>), so they land in the same namespace as the rows around them.
class RowWriter {
 public:
  RowWriter(std::string_view xml, const SheetScan& scan, const SheetPatch& patch)
      : xml_(xml), patch_(patch) {
    auto tag = xml.substr(scan.data_begin + 1, 64);
    auto name_end = tag.find_first_of(" \t\r\n/>");
    auto colon = tag.substr(0, name_end).find(':');
    if (colon != std::string_view::npos) prefix_ = std::string(tag.substr(0, colon + 1));
    columns_ = resolve_columns(
        patch, scan.any_cell ? std::optional<std::size_t>(scan.max_column) : std::nullopt);
  }
  const std::string& prefix() const { return prefix_; }

  // A row of the sheet that the patch changes: its own cells kept, the owned ones rewritten.
  Result<std::string> merge(const RawRow& row, const SheetPatch::Row& change) {
    std::vector<std::pair<std::size_t, std::string>> cells;  // column -> XML
    for (const auto& cell : row.cells) {
      auto owned = std::find(columns_.begin(), columns_.end(), cell.column);
      if (owned == columns_.end()) {
        cells.emplace_back(cell.column,
                           std::string(xml_.substr(cell.begin, cell.end - cell.begin)));
      } else if (cell.formula) {
        return formula_error(cell, row.number, static_cast<std::size_t>(owned - columns_.begin()));
      } else {
        styles_[cell.column] = cell.style;
      }
    }
    add_owned(row.number, change, cells);
    std::sort(cells.begin(), cells.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = start_tag(xml_.substr(row.begin, row.tag_end - row.begin));
    for (auto& [column, text] : cells) out += text;
    out += "</" + prefix_ + "row>";
    styles_.clear();
    return out;
  }

  std::string fresh(const SheetPatch::Row& change) {
    std::vector<std::pair<std::size_t, std::string>> cells;
    add_owned(change.number, change, cells);
    std::sort(cells.begin(), cells.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = fmt::format("<{}row r=\"{}\">", prefix_, change.number);
    for (auto& [column, text] : cells) out += text;
    return out + "</" + prefix_ + "row>";
  }

 private:
  void add_owned(std::uint32_t row, const SheetPatch::Row& change,
                 std::vector<std::pair<std::size_t, std::string>>& cells) {
    for (std::size_t i = 0; i < columns_.size() && i < change.cells.size(); ++i) {
      std::string cell = owned_cell(columns_[i], row, change.cells[i]);
      if (!cell.empty()) cells.emplace_back(columns_[i], std::move(cell));
    }
  }
  std::string owned_cell(std::size_t column, std::uint32_t row, std::string_view value) {
    auto style = styles_.find(column);
    std::string s = style == styles_.end() || style->second.empty()
                        ? std::string()
                        : fmt::format(" s=\"{}\"", markup_escape(style->second));
    std::string ref = column_letters(column) + std::to_string(row);
    if (value.empty())
      return s.empty() ? std::string() : fmt::format("<{}c r=\"{}\"{}/>", prefix_, ref, s);
    return fmt::format(
        "<{0}c r=\"{1}\"{2} t=\"inlineStr\"><{0}is><{0}t xml:space=\"preserve\">{3}"
        "</{0}t></{0}is></{0}c>",
        prefix_, ref, s, markup_escape(escape_xlsx_text(value)));
  }
  // The row's start tag without spans= (a hint that new cells could make wrong) and open.
  static std::string start_tag(std::string_view tag) {
    std::string out(tag);
    if (auto at = out.find(" spans="); at != std::string::npos && at + 8 < out.size()) {
      char quote = out[at + 7];
      auto close = out.find(quote, at + 8);
      if (close != std::string::npos) out.erase(at, close + 1 - at);
    }
    if (out.ends_with("/>")) out.replace(out.size() - 2, 2, ">");
    return out;
  }
  Error formula_error(const RawCell& cell, std::uint32_t row, std::size_t owned) const {
    std::string name = owned < patch_.column_names.size() ? patch_.column_names[owned] : "";
    return make_error(Errc::workbook_invalid,
                      fmt::format("users.xlsx cannot be rewritten: cell {}{} holds a formula, but the server writes the {} "
                                  "column: replace the formula by its value, or move it to a "
                                  "column of your own",
                                  column_letters(cell.column), row, name));
  }

  std::string_view xml_;
  const SheetPatch& patch_;
  std::string prefix_;
  std::vector<std::size_t> columns_;
  std::map<std::size_t, std::string> styles_;  // column -> style of the cell being replaced
};

Result<std::string> patched_rows(std::string_view xml, const SheetScan& scan,
                                 const SheetPatch& patch, RowWriter& writer) {
  std::string body;
  std::size_t next = 0;
  for (const auto& row : scan.rows) {
    for (; next < patch.rows.size() && patch.rows[next].number < row.number; ++next) {
      body += writer.fresh(patch.rows[next]);
    }
    if (std::find(patch.removed.begin(), patch.removed.end(), row.number) != patch.removed.end()) {
      continue;
    }
    if (next < patch.rows.size() && patch.rows[next].number == row.number) {
      auto merged = writer.merge(row, patch.rows[next++]);
      if (!merged) return merged;
      body += *merged;
    } else {
      body += xml.substr(row.begin, row.end - row.begin);
    }
  }
  for (; next < patch.rows.size(); ++next) body += writer.fresh(patch.rows[next]);
  return body;
}

Result<std::string> patch_sheet_xml(std::string_view xml, const SheetPatch& patch,
                                    SheetScan* scanned);

}  // namespace

Result<std::string> patch_sheet_xml(std::string_view xml, const SheetPatch& patch) {
  SheetScan scan;
  return patch_sheet_xml(xml, patch, &scan);
}

namespace {
Result<std::string> patch_sheet_xml(std::string_view xml, const SheetPatch& patch,
                                    SheetScan* scanned) {
  SheetScan& scan = *scanned;
  if (auto parsed = parse_xml_text(xml, "the users sheet", scan); !parsed) return parsed.error();
  if (scan.data_begin == kNone) return make_error(Errc::io_error, "the users sheet has no cells");
  if (scan.has_table) {
    return make_error(Errc::workbook_invalid,
                      "users.xlsx cannot be rewritten: the users sheet holds a table (Format as Table), and the server adds rows "
                      "that would fall outside it: convert it to a normal range (Table > "
                      "Convert to Range), or move the table to a sheet of its own");
  }
  RowWriter writer(xml, scan, patch);
  auto body = patched_rows(xml, scan, patch, writer);
  if (!body) return body;
  std::string out;
  out.reserve(xml.size() + body->size());
  if (scan.data_close == kNone) {  // <sheetData/>
    out += xml.substr(0, scan.data_begin);
    out += "<" + writer.prefix() + "sheetData>" + *body + "</" + writer.prefix() + "sheetData>";
  } else {
    out += xml.substr(0, scan.data_tag_end);
    out += *body;
  }
  out += xml.substr(scan.data_close == kNone ? scan.data_tag_end : scan.data_close);
  return out;
}
}  // namespace

}  // namespace netdisk::storage

namespace netdisk::storage {
namespace {

Error changed_meanwhile() {
  return make_error(Errc::version_mismatch, "the workbook changed since it was read");
}

Status same_version(const std::filesystem::path& path, const FileIdentity& expected) {
  auto now = identity_of(path);
  if (!now) return std::move(now).error();
  if (!*now || **now != expected) return changed_meanwhile();
  return {};
}

Result<std::string> read_entry(ZipReader& zip, std::string_view entry) {
  std::string bytes;
  auto read = zip.read(entry, WorkbookLimits{}.max_entry_bytes, [&](std::string_view chunk) {
    bytes.append(chunk);
    return Status{};
  });
  if (!read) return std::move(read).error();
  return bytes;
}

// Closes the archive being written exactly once; an unclosed one is closed (and discarded by
// AtomicFile) on the way out of a failure.
struct ZipWriter {
  zipFile zip = nullptr;
  ~ZipWriter() {
    if (zip != nullptr) zipClose(zip, nullptr);
  }
  Status add(const std::string& name, std::string_view bytes) {
    zip_fileinfo info{};
    int opened = zipOpenNewFileInZip(zip, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                     Z_DEFLATED, Z_DEFAULT_COMPRESSION);
    if (opened != ZIP_OK) return failed(name);
    // zipWriteInFileInZip takes an unsigned length; entries are capped far below 4 GiB.
    int wrote = zipWriteInFileInZip(zip, bytes.data(), static_cast<unsigned>(bytes.size()));
    int closed = zipCloseFileInZip(zip);
    if (wrote != ZIP_OK || closed != ZIP_OK) return failed(name);
    return {};
  }
  Status close() {
    errno = 0;
    int closed = zipClose(std::exchange(zip, nullptr), nullptr);
    if (closed != ZIP_OK) return failed("the central directory");
    return {};
  }
  static Error failed(std::string_view what) {
    // minizip writes through stdio, which leaves errno set when a write fails.
    int errnum = errno;
    if (errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG) {
      return error_from_errno(errnum, "write workbook");
    }
    return make_error(Errc::io_error, fmt::format("write workbook: cannot write {}", what));
  }
};

// Every entry of `zip` in its order, the sheet `sheet_entry` replaced by `sheet_xml`.
Status copy_entries(ZipReader& zip, const std::string& sheet_entry, std::string_view sheet_xml,
                    ZipWriter& out) {
  for (const auto& name : zip.names()) {
    if (name == sheet_entry) {
      if (auto added = out.add(name, sheet_xml); !added) return added;
      continue;
    }
    auto bytes = read_entry(zip, name);
    if (!bytes) return std::move(bytes).error();
    if (auto added = out.add(name, *bytes); !added) return added;
  }
  return out.close();
}

}  // namespace

std::vector<std::size_t> resolve_columns(const SheetPatch& patch,
                                         std::optional<std::size_t> max_column) {
  std::size_t next_free = max_column ? *max_column + 1 : 0;
  for (const auto& column : patch.columns) {
    if (column) next_free = std::max(next_free, *column + 1);
  }
  std::vector<std::size_t> out;
  for (const auto& column : patch.columns) out.push_back(column ? *column : next_free++);
  return out;
}

Result<WrittenWorkbook> patch_workbook(const std::filesystem::path& path,
                                       std::string_view sheet_name, const SheetPatch& patch,
                                       const FileIdentity& expected) {
  if (auto same = same_version(path, expected); !same) return std::move(same).error();
  auto zip = ZipReader::open(path);
  auto damaged = [&](const Error& error) {
    return make_error(Errc::io_error,
                      fmt::format("{} is damaged: {}", path.filename().string(), error.message));
  };
  if (!zip) return damaged(zip.error());
  // What was read is the version expected only if the file did not change during the read.
  if (auto same = same_version(path, expected); !same) return std::move(same).error();
  auto entry = find_sheet_entry(*zip, sheet_name);
  if (!entry) return damaged(entry.error());
  auto xml = read_entry(*zip, *entry);
  if (!xml) return damaged(xml.error());
  SheetScan scan;
  auto patched = patch_sheet_xml(*xml, patch, &scan);
  if (!patched) return std::move(patched).error();

  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) return error_from_errno(errno, "open workbook directory");
  auto file = AtomicFile::create(dirfd.get(), path.filename().string(), 0600);
  if (!file) return std::move(file).error();
  ZipWriter out{zipOpen64((dir / file->temp_name()).c_str(), APPEND_STATUS_CREATE)};
  if (out.zip == nullptr) return make_error(Errc::io_error, "write workbook: cannot create it");
  if (auto copied = copy_entries(*zip, *entry, *patched, out); !copied) {
    return std::move(copied).error();
  }
  auto identity = publish_workbook(*file, dirfd.get());
  if (!identity) return std::move(identity).error();
  return WrittenWorkbook{
      *identity, resolve_columns(patch, scan.any_cell ? std::optional<std::size_t>(scan.max_column)
                                                      : std::nullopt)};
}

}  // namespace netdisk::storage
