// Conditional requests on /files (RFC 9110, section 13): If-Match, If-None-Match,
// If-Unmodified-Since and If-Modified-Since, evaluated in the order of section 13.2.2 against
// the validators of what the URL names at that moment. If-Match compares entity tags strongly,
// If-None-Match weakly; both take lists and "*". If-Range stays with the Range rules (range.h).
// Pure functions over copied header values; any thread. For PUT and DELETE the evaluation runs
// inside the storage step that changes the name (as a storage::TargetCheck), so it cannot race.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/beast_fwd.h"
#include "storage/target_check.h"

namespace netdisk::server::http {

// The four precondition fields of a request, copied (they outlive the request in a check).
// A list field sent on several lines is joined with ", "; a date field sent twice is dropped
// (RFC 9110 says to ignore it).
struct Preconditions {
  std::string if_match;
  std::string if_none_match;
  std::string if_unmodified_since;
  std::string if_modified_since;
  bool any() const;
};
Preconditions read_preconditions(const Request& request);

// What the URL names now. `etag` is a strong, quoted entity tag ("" when there is none, as for
// a folder); `last_modified` in seconds since the epoch (nullopt when there is none).
struct Validators {
  std::string etag;
  std::optional<std::int64_t> last_modified;
};

enum class Verdict {
  proceed,       // do the method
  not_modified,  // 304 (GET and HEAD only)
  failed,        // 412 Precondition Failed
};

// `current` is nullopt when nothing is at the URL. `safe` is true for GET and HEAD: a false
// If-None-Match (or If-Modified-Since) is then 304; for any other method it is 412.
Verdict evaluate_preconditions(const Preconditions& conditions,
                               const std::optional<Validators>& current, bool safe);

// True when the entity-tag list `list` (not "*") holds a tag equal to `etag`: with
// `weak` = false, only strong tags count (strong comparison); with true, W/ is ignored. A
// malformed list matches nothing after the point where it breaks.
bool etag_list_matches(std::string_view list, std::string_view etag, bool weak);

// The validators a file's storage state gives (ETag "<version>", Last-Modified from the mtime);
// nullopt when nothing is there; a folder or special file has neither validator.
std::optional<Validators> validators_of(const storage::TargetState& state);

// The check a PUT or DELETE runs at commit: precondition_failed unless `conditions` hold.
storage::TargetCheck precondition_check(Preconditions conditions);

// The floor of `ns` nanoseconds in whole seconds (HTTP dates have no fractions).
std::int64_t seconds_of(std::int64_t ns);

}  // namespace netdisk::server::http
