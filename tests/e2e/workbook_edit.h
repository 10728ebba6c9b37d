// edit_workbook: runs tests/e2e/edit_workbook.py (openpyxl under /usr/bin/python3, a real
// third-party spreadsheet writer) on a stopped server's users.xlsx, as an administrator's
// spreadsheet program would edit it. Fails the calling test when the script fails.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {

// The script's output ("get" prints "date ISO", "text VALUE" or "empty").
inline std::string edit_workbook(const ServerProcess& server,
                                 const std::vector<std::string>& args) {
  std::vector<std::string> all = {std::string(NETDISK_SOURCE_DIR) + "/tests/e2e/edit_workbook.py",
                                  (server.data_dir() / "users.xlsx").string()};
  all.insert(all.end(), args.begin(), args.end());
  auto result = run_program("/usr/bin/python3", all);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

}  // namespace netdisk::e2e
