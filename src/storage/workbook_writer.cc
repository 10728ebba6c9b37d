#include "storage/workbook_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include <cerrno>

#include <fmt/format.h>

#include "storage/atomic_file.h"

namespace netdisk::storage {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// True when `text` starts with an "_xHHHH_" escape sequence.
bool starts_with_escape(std::string_view text) {
  return text.size() >= 7 && text[0] == '_' && text[1] == 'x' && is_hex(text[2]) &&
         is_hex(text[3]) && is_hex(text[4]) && is_hex(text[5]) && text[6] == '_';
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF): XML cannot
// carry anything else, and a workbook we could not read back would stop the server starting.
bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xE  ? 3
                         : (c >> 3) == 0x1E ? 4
                                            : 0;
    if (length == 0 || i + length > text.size()) return false;
    char32_t code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

// Owns an lxw_workbook. workbook_close() both writes and frees it, so close() is the commit
// point and the destructor only closes (writing a file we then discard) if close() was skipped.
class Workbook {
 public:
  explicit Workbook(const std::string& file_name) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    options.tmpdir = nullptr;  // libxlsxwriter's scratch files: anonymous tmpfile()s
    options.use_zip64 = LXW_FALSE;
    book_ = ::workbook_new_opt(file_name.c_str(), &options);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;
  ~Workbook() {
    if (book_ != nullptr) ::workbook_close(book_);
  }

  lxw_workbook* get() const { return book_; }
  // Returns the libxlsxwriter result and the errno seen right after it.
  std::pair<lxw_error, int> close() {
    errno = 0;
    lxw_error result = ::workbook_close(std::exchange(book_, nullptr));
    return {result, errno};
  }

 private:
  lxw_workbook* book_ = nullptr;
};

Error lxw_failure(std::string_view what, lxw_error result, int errnum) {
  // libxlsxwriter does not report errno, but stdio leaves it set when the final write fails.
  if (errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG) {
    return error_from_errno(errnum, fmt::format("write workbook ({})", what));
  }
  return make_error(Errc::io_error,
                    fmt::format("write workbook ({}): {}", what, ::lxw_strerror(result)));
}

Status fill_sheet(lxw_worksheet* sheet, const SheetRows& rows) {
  if (rows.size() > kMaxSheetRows) {
    return make_error(Errc::io_error, "write workbook: too many rows for one sheet");
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (rows[r][c].empty()) continue;
      if (!is_valid_utf8(rows[r][c])) {
        return make_error(Errc::io_error, fmt::format("write workbook: cell at row {}, column {} "
                                                      "is not valid UTF-8",
                                                      r + 1, c + 1));
      }
      std::string text = escape_xlsx_text(rows[r][c]);
      // Always a string cell: libxlsxwriter never turns worksheet_write_string() into a formula.
      lxw_error result = ::worksheet_write_string(sheet, static_cast<lxw_row_t>(r),
                                                  static_cast<lxw_col_t>(c), text.c_str(), nullptr);
      if (result != LXW_NO_ERROR) {
        return make_error(Errc::io_error,
                          fmt::format("write workbook: cell at row {}, column {}: {}", r + 1, c + 1,
                                      ::lxw_strerror(result)));
      }
    }
  }
  return {};
}

// libxlsxwriter opens the temporary file again by name; make sure it wrote into the very file
// AtomicFile created (and that we will fsync), not something that replaced it meanwhile.
Status check_same_file(const AtomicFile& file, int dirfd) {
  struct stat by_fd {};
  struct stat by_name {};
  if (::fstat(file.fd(), &by_fd) != 0) return error_from_errno(errno, "stat workbook");
  if (::fstatat(dirfd, file.temp_name().c_str(), &by_name, AT_SYMLINK_NOFOLLOW) != 0) {
    return error_from_errno(errno, "stat workbook");
  }
  if (by_fd.st_dev != by_name.st_dev || by_fd.st_ino != by_name.st_ino || by_fd.st_size == 0) {
    return make_error(Errc::io_error, "write workbook: temporary file was replaced");
  }
  return {};
}

}  // namespace

std::string escape_xlsx_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n') || starts_with_escape(text.substr(i))) {
      out += fmt::format("_x{:04X}_", c);
    } else if (c == 0xEF && text.substr(i + 1, 1) == "\xBF" && text.size() > i + 2 &&
               (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      // U+FFFE and U+FFFF are not XML characters either.
      out += text[i + 2] == '\xBE' ? "_xFFFE_" : "_xFFFF_";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Status write_workbook(const std::filesystem::path& path, std::string_view sheet_name,
                      const SheetRows& rows) {
  auto created = create_workbook(path, sheet_name, rows);
  if (!created) return std::move(created).error();
  return {};
}

Result<FileIdentity> publish_workbook(AtomicFile& file, int dirfd) {
  if (auto same = check_same_file(file, dirfd); !same) return std::move(same).error();
  // rename(2) keeps the inode, size and mtime: this is the identity of the published file.
  auto identity = identity_of_fd(file.fd());
  if (!identity) return identity;
  if (auto committed = file.commit(); !committed) return std::move(committed).error();
  return identity;
}

Result<FileIdentity> create_workbook(const std::filesystem::path& path, std::string_view sheet_name,
                                     const SheetRows& rows) {
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  UniqueFd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirfd) return error_from_errno(errno, "open workbook directory");
  // 0600: the workbook holds password hashes.
  auto file = AtomicFile::create(dirfd.get(), path.filename().string(), 0600);
  if (!file) return std::move(file).error();

  Workbook book((dir / file->temp_name()).string());
  if (book.get() == nullptr) return make_error(Errc::io_error, "write workbook: out of memory");
  std::string name(sheet_name);
  lxw_worksheet* sheet = ::workbook_add_worksheet(book.get(), name.c_str());
  if (sheet == nullptr) return make_error(Errc::io_error, "write workbook: bad sheet name");
  if (auto filled = fill_sheet(sheet, rows); !filled) return std::move(filled).error();
  if (auto [result, errnum] = book.close(); result != LXW_NO_ERROR) {
    return lxw_failure("save", result, errnum);
  }
  return publish_workbook(*file, dirfd.get());
}

}  // namespace netdisk::storage
