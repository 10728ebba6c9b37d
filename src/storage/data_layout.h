// DataLayout: where things live in the data folder.
//   <data>/users.xlsx        the user registry (the path is configurable, but never under home/)
//   <data>/sessions.txt      login sessions: token digests, never tokens (storage/session_file.h)
//   <data>/shares.txt        share links: token digests, never tokens (server/shares/share_file.h)
//   <data>/home/<username>/  each user's own folder; nothing else is ever served to a client
//   <data>/deleted/          deleted users' folders, kept for a while (deleted_folders.h)
// prepare() creates the folders that are missing. Immutable afterwards: safe from any thread;
// create_user_folder() and ensure_user_folder() block on disk (run them on the blocking pool).
#pragma once

#include <filesystem>
#include <string>
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
  std::filesystem::path sessions_file() const { return data_dir_ / "sessions.txt"; }
  std::filesystem::path deleted_dir() const { return data_dir_ / "deleted"; }
  // The folder of an already validated username.
  std::filesystem::path user_folder(std::string_view username) const { return home_dir_ / username; }

  // Creates a new user's folder durably (mkdir 0700 + fsync of home/). An empty folder left by
  // a registration that crashed before it was recorded is adopted; a folder that still holds
  // files (for example of an account an administrator removed) is refused with user_exists,
  // so a newcomer never inherits someone else's files.
  Status create_user_folder(std::string_view username) const;

  // What ensure_user_folder() found or did.
  enum class FolderFix { present, created, adopted };
  // Makes sure the folder of a user the registry holds exists, for a row an administrator
  // added to users.xlsx by hand or a folder removed while the server runs. The folder is
  // home/<name> with the name exactly as the registry spells it; when it is missing but exactly
  // one folder matches the name without regard to case (an administrator changed the case in
  // the workbook), that folder is renamed to the new spelling, so the user keeps its files.
  // Otherwise an empty folder is created (0700, home/ fsynced). Nothing is followed through a
  // symlink. Errors (messages name no server path): not_a_directory when something other than
  // a folder holds the name, io_error and the like from the system calls.
  Result<FolderFix> ensure_user_folder(std::string_view username) const;

  // `text` with every occurrence of the data folder's absolute path replaced by
  // "<data folder>" and of the workbook's by its file name. The last guard at the edges: no
  // message to a client ever shows a server-side path, even if one slips into an error.
  std::string without_server_paths(std::string_view text) const;

 private:
  std::filesystem::path data_dir_;
  std::filesystem::path users_file_;
  std::filesystem::path home_dir_;
};

}  // namespace netdisk::storage
