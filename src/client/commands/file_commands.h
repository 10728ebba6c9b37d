// The remote file commands that move no file content: ls, rm, mv, mkdir. Each returns the
// process exit status, prints its result on stdout and its per-path failures on stderr;
// errors that stop the whole command are thrown (ServerError, runtime_error). Main thread.
#pragma once

#include <string>
#include <vector>

#include "client/connector.h"

namespace netdisk::client {

struct LsOptions {
  std::string path;
  bool long_format = false;
};

struct MkdirOptions {
  std::vector<std::string> paths;
  bool parents = false;
};

int ls_command(Connector& connector, const LsOptions& options);
// Removes each path (a file or an empty folder); goes on after a failure, then exits 1.
int rm_command(Connector& connector, const std::vector<std::string>& paths);
// Renames or moves FROM to TO; into TO when TO is an existing folder.
int mv_command(Connector& connector, const std::string& from, const std::string& to);
int mkdir_command(Connector& connector, const MkdirOptions& options);

}  // namespace netdisk::client
