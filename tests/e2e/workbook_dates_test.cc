// Dates an administrator types into users.xlsx with a spreadsheet program: openpyxl writes
// real date cells (a serial number in a date-formatted cell) into a workbook the server made;
// the server starts, the users log in, and the server's next rewrite keeps every date. A time
// it cannot read stops the server with a message naming the cell, and the file is untouched.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/workbook_edit.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::vector<std::string> kArgs = {"--password-hash-memory", "1", "--password-hash-ops", "1"};

// Watches a folder for a file renamed into it: the registry publishes each rewrite of
// users.xlsx by renaming a temporary file over it.
class RenameWatch {
 public:
  explicit RenameWatch(const fs::path& dir) : fd_(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
    EXPECT_GE(::inotify_add_watch(fd_, dir.c_str(), IN_MOVED_TO), 0);
  }
  ~RenameWatch() { ::close(fd_); }
  // True once `name` was renamed into the folder, false after 30 s without it.
  bool wait_for(const std::string& name) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    alignas(inotify_event) char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, 1000) <= 0) continue;
      ssize_t got = ::read(fd_, buffer, sizeof buffer);
      for (ssize_t at = 0; at < got;) {
        auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
        if (event->len > 0 && name == event->name) return true;
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    return false;
  }

 private:
  int fd_;
};

TEST(WorkbookDates, RealDateCellsWrittenByOpenpyxlAreAcceptedAndKeptByTheNextRewrite) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  create_user(server, "bob");
  server.stop();
  // openpyxl's default date format for alice; a day-first custom format for bob, who also
  // gets a last_login date cell.
  edit_workbook(server, {"set-date", "alice", "C", "2025-01-01T10:04:05"});
  edit_workbook(server, {"set-date", "bob", "C", "2024-02-29T23:59:59", "dd/mm/yyyy hh:mm:ss"});
  edit_workbook(server, {"set-date", "bob", "D", "2025-03-01T08:00:00", "d mmm yyyy"});
  ASSERT_EQ(edit_workbook(server, {"get", "alice", "C"}), "date 2025-01-01T10:04:05\n");

  server.restart();
  RenameWatch watch(server.data_dir());
  logged_in(server, "alice");  // its login time makes the server rewrite the workbook
  ASSERT_TRUE(watch.wait_for("users.xlsx")) << server.log();

  EXPECT_EQ(edit_workbook(server, {"get", "alice", "C"}), "text 2025-01-01T10:04:05Z\n");
  EXPECT_EQ(edit_workbook(server, {"get", "bob", "C"}), "text 2024-02-29T23:59:59Z\n");
  EXPECT_EQ(edit_workbook(server, {"get", "bob", "D"}), "text 2025-03-01T08:00:00Z\n");
  EXPECT_TRUE(edit_workbook(server, {"get", "alice", "D"}).starts_with("text 20"));
  logged_in(server, "bob");
}

TEST(WorkbookDates, ANumberThatIsNotADateStopsTheServerNamingTheCellAndTheFileIsUntouched) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  server.stop();
  edit_workbook(server, {"set-number", "alice", "C", "45658"});
  auto workbook = server.data_dir() / "users.xlsx";
  std::string edited = read_file(workbook);
  EXPECT_THROW(server.restart(), std::runtime_error);
  EXPECT_NE(server.log().find("row 2, cell C2 (registered_at): \"45658\" is not a time"),
            std::string::npos)
      << server.log();
  EXPECT_EQ(read_file(workbook), edited);
}

// The server owns columns A-F (username ... quota); a note right of them is the
// administrator's, and the server's rewrites keep it (workbook_patcher.h).
TEST(WorkbookDates, ANoteRightOfTheServersColumnsSurvivesTheNextRewrite) {
  ServerProcess server(kArgs);
  create_user(server, "alice");
  server.stop();
  edit_workbook(server, {"set-text", "alice", "H", "pays by invoice"});
  server.restart();
  create_user(server, "bob");  // a rewrite
  EXPECT_EQ(edit_workbook(server, {"get", "alice", "H"}), "text pays by invoice\n");
  logged_in(server, "bob");
}

}  // namespace
}  // namespace netdisk::e2e
