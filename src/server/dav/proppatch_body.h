// The body of a WebDAV PROPPATCH request (RFC 4918, section 9.2): a DAV:propertyupdate of
// DAV:set and DAV:remove instructions, in document order. A set keeps its property as the
// exact XML element the client sent, made self-contained (its namespaces declared on itself,
// an xml:lang in scope copied onto it), which is what PROPFIND returns later. Parsed through
// xml_tree.h: bounded, a DOCTYPE refused. Transport-free; pure functions; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/dav/propfind_body.h"

namespace netdisk::server::dav {

struct PropertyUpdate {
  PropName name;
  std::optional<std::string> element;  // set: the property's XML element; nullopt: remove
};

// At most this many properties in one request.
inline constexpr std::size_t kMaxPropertyUpdates = 256;

// The instructions in document order. bad_request when the body is not well-formed XML, has a
// DOCTYPE, is over xml_tree's limits, is not a DAV:propertyupdate, or changes no property (or
// more than kMaxPropertyUpdates). Elements of other names inside it are ignored, as RFC 4918
// section 17 asks.
Result<std::vector<PropertyUpdate>> parse_propertyupdate(std::string_view body);

}  // namespace netdisk::server::dav
