// The trash and versions commands (issue #20): `netdisk trash` lists the trash, `trash
// restore NAME [--as PATH]` puts an entry back, `trash empty [NAME]` deletes for good;
// `netdisk versions PATH` lists a file's earlier versions and `netdisk restore PATH --version
// V` makes one current again. Output on stdout, one line per entry. Main thread; errors are
// thrown as ServerError, as the other commands do.
#pragma once

#include <optional>
#include <string>

#include "client/connector.h"

namespace netdisk::client {

struct TrashRestoreOptions {
  std::string name;  // an entry's id, or the path it was removed from
  std::string as;    // restore there instead ("" for the original path)
};

struct VersionRestoreOptions {
  std::string path;
  std::string version;
};

int trash_list_command(Connector& connector);
int trash_restore_command(Connector& connector, const TrashRestoreOptions& options);
// Deletes entry `name` for good, or every entry when it is empty.
int trash_empty_command(Connector& connector, const std::string& name);
int versions_command(Connector& connector, const std::string& path);
int version_restore_command(Connector& connector, const VersionRestoreOptions& options);

}  // namespace netdisk::client
