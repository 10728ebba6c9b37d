// The folder tree the confinement tests plant under a fresh temporary folder: a user's folder
// holding a real file, beside a folder outside it with a secret, and the symlinks (absolute and
// relative, to outside and inside) an admin or another program could leave in the user's
// folder. Each test adds what only it needs. Not thread-safe; one per test.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace netdisk::storage::test {

struct PlantedTree {
  std::filesystem::path base;  // the temporary folder; removed by the test's TearDown
  std::filesystem::path root;  // base/user: the user's folder

  // Creates base/user/real/file.txt ("mine"), base/outside/secret.txt ("secret") and, in the
  // user's folder, out -> base/outside, secret -> the secret file, inf -> real/file.txt.
  // False when no temporary folder could be made.
  bool plant(const std::string& name) {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / (name + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) return false;
    base = pattern;
    root = base / "user";
    fs::create_directories(root / "real");
    fs::create_directories(base / "outside");
    std::ofstream(base / "outside" / "secret.txt") << "secret";
    std::ofstream(root / "real" / "file.txt") << "mine";
    fs::create_directory_symlink(base / "outside", root / "out");  // absolute, outside
    fs::create_symlink(base / "outside" / "secret.txt", root / "secret");
    fs::create_symlink("real/file.txt", root / "inf");  // relative, inside
    return true;
  }
};

}  // namespace netdisk::storage::test
