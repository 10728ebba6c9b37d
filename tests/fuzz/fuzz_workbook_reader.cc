// fuzz_workbook_reader: the input is the content of users.xlsx. Each run writes it to a file
// in a private scratch folder (in /dev/shm when it exists, else $TMPDIR), then runs
// read_workbook_sheet() and, on success, users_from_rows(), as UserRegistry does at start-up.
// Must never crash, hang or use unbounded memory (run with -rss_limit_mb=2048; a zip bomb is
// capped by max_entry_bytes). Also checks what the reader promises about its output: rows in
// strictly increasing order, no empty rows, at most max_rows rows and max_columns cells, and
// for users: valid usernames, non-empty hashes, no repeated name. A second pass with tiny
// limits exercises the limit paths.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "fuzz_check.h"
#include "storage/user_table.h"
#include "storage/username.h"
#include "storage/workbook_reader.h"

namespace {

namespace fs = std::filesystem;
namespace storage = netdisk::storage;
using netdisk::Errc;

// Created once per process; removed at exit.
class ScratchFile {
 public:
  ScratchFile() {
    std::error_code ec;
    fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm")
                                                     : fs::temp_directory_path();
    std::string pattern = (base / "netdisk-fuzz-XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    path_ = dir_ / "users.xlsx";
  }
  ~ScratchFile() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& write(const std::uint8_t* data, std::size_t size) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0);
    for (std::size_t done = 0; done < size;) {
      ssize_t n = ::write(fd, data + done, size - done);
      FUZZ_CHECK(n > 0);
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return path_;
  }

 private:
  fs::path dir_;
  fs::path path_;
};

void check_rows(const std::vector<storage::SheetRow>& rows, const storage::WorkbookLimits& limits) {
  FUZZ_CHECK(rows.size() <= limits.max_rows);
  std::uint32_t previous = 0;
  for (const auto& row : rows) {
    FUZZ_CHECK(row.number > previous && row.number <= 1048576);
    previous = row.number;
    FUZZ_CHECK((!row.cells.empty() || row.ignored_column) &&
               row.cells.size() <= limits.max_columns);
    FUZZ_CHECK(row.cells.empty() || !row.cells.back().empty());  // trailing blanks are not stored
    FUZZ_CHECK(!row.ignored_column || *row.ignored_column >= limits.max_columns);
  }
}

void check_users(const std::vector<storage::SheetRow>& rows) {
  auto users = storage::users_from_rows(rows, "users.xlsx");
  if (!users) {
    FUZZ_CHECK(users.error().code == Errc::io_error);
    return;
  }
  FUZZ_CHECK(users->size() + 1 == rows.size());
  std::set<std::string> keys;
  for (const auto& user : *users) {
    FUZZ_CHECK(storage::validate_username(user.name).ok());
    FUZZ_CHECK(!user.password_hash.empty());
    FUZZ_CHECK(keys.insert(storage::username_key(user.name)).second);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ScratchFile scratch;
  const fs::path& path = scratch.write(data, size);

  storage::WorkbookLimits defaults;
  auto rows = storage::read_workbook_sheet(path, storage::kUsersSheet, defaults);
  if (!rows) {
    FUZZ_CHECK(rows.error().code == Errc::io_error);
    FUZZ_CHECK(rows.error().message.starts_with("users.xlsx is damaged: "));
    return 0;
  }
  check_rows(*rows, defaults);
  check_users(*rows);

  storage::WorkbookLimits tiny;
  tiny.max_entry_bytes = 2048;
  tiny.max_rows = 2;
  tiny.max_columns = 2;
  auto small = storage::read_workbook_sheet(path, "no such sheet", tiny);
  if (small) check_rows(*small, tiny);
  else FUZZ_CHECK(small.error().code == Errc::io_error);
  return 0;
}
