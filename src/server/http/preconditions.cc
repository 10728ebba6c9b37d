#include "server/http/preconditions.h"

#include "server/http/field_text.h"
#include "server/http/responses.h"

namespace netdisk::server::http {
namespace {

// Every value of a list field, joined as RFC 9110, section 5.3 allows.
std::string joined(const Request& request, bhttp::field field) {
  std::string out;
  auto [first, last] = request.equal_range(field);
  for (auto it = first; it != last; ++it) {
    if (!out.empty()) out += ", ";
    out.append(it->value().data(), it->value().size());
  }
  return out;
}

// The value of a field that must appear once (a date); "" when absent or repeated.
std::string single(const Request& request, bhttp::field field) {
  auto [first, last] = request.equal_range(field);
  if (first == last || std::next(first) != last) return {};
  return std::string(first->value().data(), first->value().size());
}

bool is_star(std::string_view value) { return trim_ows(value) == "*"; }

// Step 1 and 3 of RFC 9110, section 13.2.2: does the field's condition hold?
bool if_match_holds(std::string_view value, const std::optional<Validators>& current) {
  if (!current) return false;
  if (is_star(value)) return true;
  return !current->etag.empty() && etag_list_matches(value, current->etag, false);
}

bool if_none_match_holds(std::string_view value, const std::optional<Validators>& current) {
  if (!current) return true;
  if (is_star(value)) return false;
  return current->etag.empty() || !etag_list_matches(value, current->etag, true);
}

// The date of a date condition that applies: nullopt when the field is absent or invalid, or
// there is no Last-Modified to compare with (the field is then ignored, as the RFC says).
std::optional<std::int64_t> applicable_date(const std::string& value,
                                            const std::optional<Validators>& current) {
  if (value.empty() || !current || !current->last_modified) return std::nullopt;
  return parse_http_date(trim_ows(value));
}

}  // namespace

bool Preconditions::any() const {
  return !if_match.empty() || !if_none_match.empty() || !if_unmodified_since.empty() ||
         !if_modified_since.empty();
}

Preconditions read_preconditions(const Request& request) {
  return Preconditions{joined(request, bhttp::field::if_match),
                       joined(request, bhttp::field::if_none_match),
                       single(request, bhttp::field::if_unmodified_since),
                       single(request, bhttp::field::if_modified_since)};
}

Verdict evaluate_preconditions(const Preconditions& conditions,
                               const std::optional<Validators>& current, bool safe) {
  if (!conditions.if_match.empty()) {
    if (!if_match_holds(conditions.if_match, current)) return Verdict::failed;
  } else if (auto date = applicable_date(conditions.if_unmodified_since, current)) {
    if (*current->last_modified > *date) return Verdict::failed;
  }
  if (!conditions.if_none_match.empty()) {
    if (!if_none_match_holds(conditions.if_none_match, current)) {
      return safe ? Verdict::not_modified : Verdict::failed;
    }
  } else if (safe) {
    if (auto date = applicable_date(conditions.if_modified_since, current)) {
      if (*current->last_modified <= *date) return Verdict::not_modified;
    }
  }
  return Verdict::proceed;
}

bool etag_list_matches(std::string_view list, std::string_view etag, bool weak) {
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, separated by commas and optional spaces.
  while (true) {
    while (!list.empty() && (list.front() == ',' || list.front() == ' ' || list.front() == '\t')) {
      list.remove_prefix(1);
    }
    if (list.empty()) return false;
    bool is_weak = list.starts_with("W/");
    if (is_weak) list.remove_prefix(2);
    if (list.empty() || list.front() != '"') return false;
    auto close = list.find('"', 1);
    if (close == std::string_view::npos) return false;
    auto tag = list.substr(0, close + 1);
    list.remove_prefix(close + 1);
    if ((weak || !is_weak) && tag == etag) return true;
    list = trim_ows(list);
    if (!list.empty() && list.front() != ',') return false;
  }
}

std::optional<Validators> validators_of(const storage::TargetState& state) {
  if (!state.exists) return std::nullopt;
  Validators validators;
  if (!state.version.empty()) {
    validators.etag = "\"" + state.version + "\"";
    validators.last_modified = seconds_of(state.mtime_ns);
  }
  return validators;
}

storage::TargetCheck precondition_check(Preconditions conditions) {
  return [conditions = std::move(conditions)](
             const storage::TargetState& state) -> storage::StorageStatus {
    if (evaluate_preconditions(conditions, validators_of(state), false) == Verdict::proceed) {
      return {};
    }
    return storage::storage_error(storage::StorageErrc::condition_failed,
                                  "the file is not in the state the request's conditions require "
                                  "(If-Match, If-None-Match, If-Unmodified-Since)");
  };
}

std::int64_t seconds_of(std::int64_t ns) {
  auto s = ns / 1'000'000'000;
  return ns < 0 && ns % 1'000'000'000 != 0 ? s - 1 : s;
}

}  // namespace netdisk::server::http
