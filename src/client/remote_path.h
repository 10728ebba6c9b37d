// Remote paths as people type them, turned into protocol paths (docs/PROTOCOL.md, section 7):
// a leading "/" and "." components are dropped and repeated slashes collapse, so "/docs//a"
// and "docs/./a" both name "docs/a". Whatever else is wrong (".." for example) is left for
// the server to refuse with invalid_path. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace netdisk::client {

// The protocol form of a typed path; "" is the user's folder.
std::string normalize_remote(std::string_view typed);

// "dir" + "name" -> "dir/name"; an empty dir gives "name".
std::string join_remote(std::string_view dir, std::string_view name);

// The last component: "docs/a.pdf" -> "a.pdf", "a.pdf" -> "a.pdf", "" -> "".
std::string remote_basename(std::string_view path);

// Everything before the last component: "docs/a.pdf" -> "docs", "a.pdf" -> "".
std::string remote_dirname(std::string_view path);

}  // namespace netdisk::client
