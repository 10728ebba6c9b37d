// The body of a WebDAV PROPFIND request (RFC 4918, section 9.1), parsed with expat: allprop,
// propname, or a list of named properties. Transport-free: the HTTP adapter reads the body
// and hands the bytes here. A DOCTYPE (and so any entity definition) is refused, so no
// entity expansion can blow up. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::server::dav {

// A property's qualified name: namespace URI ("DAV:" for the standard ones) and local name.
struct PropName {
  std::string ns;
  std::string local;
  bool operator==(const PropName&) const = default;
};

struct PropfindRequest {
  enum class Kind { allprop, propname, prop };
  Kind kind = Kind::allprop;
  std::vector<PropName> props;  // for Kind::prop, in the order asked
};

// An empty body means allprop (RFC 4918, 9.1). bad_request for XML that is not well formed,
// has a DOCTYPE, or is not a DAV:propfind holding one of allprop, propname or prop; a prop
// list is capped at kMaxProps names.
inline constexpr std::size_t kMaxProps = 256;
Result<PropfindRequest> parse_propfind(std::string_view body);

}  // namespace netdisk::server::dav
