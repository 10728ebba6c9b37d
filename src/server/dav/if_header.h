// The WebDAV If header (RFC 4918 §10.4): parsed into lists of conditions, then evaluated
// against the state of the resources it names. It does two jobs: a precondition (false →
// 412) and the way a client submits lock tokens (every state token in it counts as submitted,
// whatever its form, §10.4.1). Pure functions over strings; the caller supplies the state
// (entity tags, lock matches) through IfState, so nothing here touches storage or sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace netdisk::server::dav {

struct IfCondition {
  bool negated = false;  // "Not"
  bool is_etag = false;  // "[etag]" rather than "<state-token>"
  std::string value;     // the token URI, or the entity tag with its quotes (and W/)
};

// One parenthesised list: true when every condition is.
using IfList = std::vector<IfCondition>;

// The lists that apply to one resource: the request URI (no tag) or the tagged one.
struct IfResourceLists {
  std::optional<std::string> tag;  // the Resource-Tag as sent (absolute URL or path)
  std::vector<IfList> lists;       // true when any list is
};

struct IfHeader {
  std::vector<IfResourceLists> resources;  // true when any resource's lists are

  // Every state token named anywhere in the header: the lock tokens it submits.
  std::vector<std::string> state_tokens() const;
};

// Parses the header's value. Fails (bad_request: the caller answers 400) on anything outside
// the grammar: unbalanced brackets, an empty list, a list without a tag after a tagged one.
// Commas between lists and resources are taken as white space (combine_if_lines()).
Result<IfHeader> parse_if_header(std::string_view value);

// The value of an If header sent as several field lines: the lines in order, joined with ", "
// as RFC 9110 §5.3 combines field lines. The If grammar has no list syntax of its own, so the
// parser reads those commas as separators and the result means what it would on one line: a
// tagged line after an untagged one is malformed, an untagged line after a tagged one adds
// alternatives for the last tagged resource.
std::string combine_if_lines(const std::vector<std::string_view>& lines);

// What evaluation asks of the server about one resource (nullopt tag: the request URI).
class IfState {
 public:
  virtual ~IfState() = default;
  // The resource's current entity tag, nullopt when it does not exist (or the tag names
  // something outside the caller's space: no condition on it can then be true).
  virtual std::optional<std::string> etag(const std::optional<std::string>& tag) = 0;
  // True when `token` is a current lock whose scope takes in the resource.
  virtual bool lock_matches(const std::optional<std::string>& tag, std::string_view token) = 0;
};

// RFC 4918 §10.4.3: true when at least one resource's lists hold. Entity tags compare weakly
// (RFC 9110 §8.8.3.2), as §10.4.4 allows.
bool evaluate_if(const IfHeader& header, IfState& state);

}  // namespace netdisk::server::dav
