// DataLayout: where things live in the data folder.
//   <data>/users.xlsx        the user registry (the path is configurable, but never under home/)
//   <data>/home/<username>/  each user's own folder; nothing else is ever served to a client
// prepare() creates the folders that are missing. Immutable afterwards: safe from any thread;
// create_user_folder() blocks on disk (run it on the blocking pool).
#pragma once

#include <filesystem>
#include <string_view>

#include "common/result.h"

namespace netdisk::storage {

class DataLayout {
 public:
  // Creates `data_dir` and `data_dir/home` if missing (mode 0700). `users_file` empty means
  // `data_dir/users.xlsx`. Fails when the workbook would sit inside home/.
  static Result<DataLayout> prepare(const std::filesystem::path& data_dir,
                                    const std::filesystem::path& users_file = {});

  const std::filesystem::path& data_dir() const noexcept { return data_dir_; }
  const std::filesystem::path& users_file() const noexcept { return users_file_; }
  const std::filesystem::path& home_dir() const noexcept { return home_dir_; }
  // The folder of an already validated username.
  std::filesystem::path user_folder(std::string_view username) const { return home_dir_ / username; }

  // Creates a new user's folder durably (mkdir 0700 + fsync of home/). An empty folder left by
  // a registration that crashed before it was recorded is adopted; a folder that still holds
  // files (for example of an account an administrator removed) is refused with user_exists,
  // so a newcomer never inherits someone else's files.
  Status create_user_folder(std::string_view username) const;

 private:
  std::filesystem::path data_dir_;
  std::filesystem::path users_file_;
  std::filesystem::path home_dir_;
};

}  // namespace netdisk::storage
