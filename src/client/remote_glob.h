// Remote wildcards: `get '*.txt'`, `get 'docs/*.pdf'`, `rm 'old/*'` (from the shell or, quoted,
// from the command line) name the entries of that folder whose names match (fnmatch(3): * ? and
// [...]; a leading dot is matched only by a dot). Only the last part of a path may hold a
// pattern. A name that exists exactly as typed is taken as it is, so a file whose name holds a
// * stays reachable. Calling thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/server_link.h"
#include "client/remote_listing.h"

namespace netdisk::client {

// True when the last part of `path` holds * ? or [.
bool has_wildcard(std::string_view path);

// The entries of folder `dir` whose names match `pattern`, as paths under `dir` ("" for the
// top folder), in listing order; folders left out when `files_only`. Pure, for tests.
std::vector<std::string> matching_entries(const std::vector<RemoteEntry>& entries,
                                          const std::string& dir, const std::string& pattern,
                                          bool files_only);

// The remote paths `typed` names: itself (normalized) when it has no wildcard or exists as
// typed, otherwise what it matches. Throws ServerError: not_found naming the pattern when
// nothing matches, or what listing its folder failed with.
std::vector<std::string> expand_remote(ServerLink& link, const std::string& typed,
                                       bool files_only);

}  // namespace netdisk::client
