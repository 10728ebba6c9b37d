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

struct RmOptions {
  std::vector<std::string> paths;
  bool recursive = false;  // a folder with everything in it
  bool permanent = false;  // delete for good instead of moving into the trash
};

struct MkdirOptions {
  std::vector<std::string> paths;
  bool parents = false;
};

int ls_command(Connector& connector, const LsOptions& options);
// Moves each path (a file or an empty folder; any folder with `recursive`) into the trash, or
// deletes it for good with `permanent`; goes on after a failure, then exits 1.
int rm_command(Connector& connector, const RmOptions& options);
// Renames or moves FROM to TO; into TO when TO is an existing folder.
int mv_command(Connector& connector, const std::string& from, const std::string& to);
int mkdir_command(Connector& connector, const MkdirOptions& options);

}  // namespace netdisk::client
