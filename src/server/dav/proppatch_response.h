// The 207 Multi-Status body that answers a PROPPATCH (RFC 4918, sections 9.2 and 9.2.1): one
// <D:response> for the resource, its properties grouped by status. A PROPPATCH is all or
// nothing, so either every property is 200, or none was changed and each says why: 403 with
// cannot-modify-protected-property for a live one, 507 for a set the storage had no room
// for, 424 Failed Dependency for the others. Transport-free; pure functions; any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "server/dav/proppatch_body.h"

namespace netdisk::server::dav {

enum class PatchOutcome {
  applied,               // every change was made
  protected_refused,     // a live property was in the patch: nothing was made
  insufficient_storage,  // the storage refused the result (too many or too large): nothing
};

// The whole body; `href` is the resource's percent-encoded path.
std::string proppatch_response(std::string_view href, std::span<const PropertyUpdate> updates,
                               PatchOutcome outcome);

}  // namespace netdisk::server::dav
