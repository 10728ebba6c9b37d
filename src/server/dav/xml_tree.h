// A WebDAV request body as a small tree of namespace-qualified elements, parsed with expat,
// and the way back to text for the parts a server echoes (a lock's <D:owner>, a dead
// property's value). Bounded: depth, element count and text are capped, and a DOCTYPE (so any
// entity definition) is refused, so no body can expand or nest without limit. Pure
// functions; any thread.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace netdisk::server::dav {

// An element, or (with an empty local name) a run of character data between elements, so
// mixed content keeps its order.
struct XmlElement {
  std::string ns;     // namespace URI, "DAV:" for WebDAV's own names, "" for none
  std::string local;  // local name; empty for a text node
  // Attributes without a namespace, and xml:lang and the other xml: ones, as (name, value)
  // ("xml:lang"); attributes in any other namespace as (namespace, local name, value).
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::array<std::string, 3>> qualified_attributes;
  std::vector<XmlElement> children;  // elements and text nodes, in document order
  std::string text;                  // a text node's characters

  bool is_text() const { return local.empty(); }
  // The characters of the direct text children, concatenated.
  std::string inner_text() const;
  bool is(std::string_view wanted_ns, std::string_view wanted_local) const {
    return ns == wanted_ns && local == wanted_local;
  }
  bool is_dav(std::string_view wanted_local) const { return is("DAV:", wanted_local); }
  // The first child element in DAV: named `wanted_local`, or nullptr.
  const XmlElement* dav_child(std::string_view wanted_local) const;
  // The first child element (text nodes skipped), or nullptr.
  const XmlElement* first_element() const;
};

struct XmlLimits {
  std::size_t depth = 32;
  std::size_t elements = 10'000;
  std::size_t text_bytes = 1 << 20;
};

// Parses a whole body into its root element. bad_request when it is not well-formed XML, has
// a DOCTYPE, or is over a limit.
Result<XmlElement> parse_xml_tree(std::string_view body, const XmlLimits& limits = {});

// Writes `element` back as XML that means the same wherever it is placed: DAV: names get the
// "D:" prefix (the response's root declares xmlns:D="DAV:"), others carry their own xmlns,
// and a namespaced attribute declares a prefix of its own ("a0", "a1", ...).
std::string serialize_xml(const XmlElement& element);

}  // namespace netdisk::server::dav
