#include "protocol/json_parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace netdisk::protocol {
namespace {

using json = nlohmann::json;
using DomParser = nlohmann::detail::json_sax_dom_parser<json>;

// Forwards every SAX event to nlohmann's own DOM builder, and adds the checks it lacks: a
// nesting limit and a refusal of duplicate keys (nlohmann would silently keep the last one).
class StrictSax {
 public:
  explicit StrictSax(json& root) : dom_(root, /*allow_exceptions=*/false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const std::string& text) {
    return dom_.number_float(value, text);
  }
  bool string(std::string& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }

  bool start_object(std::size_t length) {
    if (!enter()) return false;
    keys_.emplace_back(std::vector<std::string>{});
    return dom_.start_object(length);
  }
  bool key(std::string& name) {
    auto& seen = *keys_.back();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return fail(fmt::format("duplicate key \"{}\"", name));
    }
    seen.push_back(name);
    return dom_.key(name);
  }
  bool end_object() {
    keys_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t length) {
    if (!enter()) return false;
    keys_.emplace_back(std::nullopt);
    return dom_.start_array(length);
  }
  bool end_array() {
    keys_.pop_back();
    return dom_.end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const Exception& ex) {
    return fail(ex.what());
  }

  const std::string& failure() const { return failure_; }

 private:
  bool enter() {
    if (keys_.size() >= kMaxJsonDepth) {
      return fail(fmt::format("nested deeper than {} levels", kMaxJsonDepth));
    }
    return true;
  }
  bool fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
    return false;
  }

  DomParser dom_;
  // One entry per open container: the keys seen so far for objects, nullopt for arrays.
  std::vector<std::optional<std::vector<std::string>>> keys_;
  std::string failure_;
};

}  // namespace

Result<json> parse_json_object(std::string_view payload) {
  // nlohmann's lexer takes a NUL byte outside a string for the end of input and ignores what
  // follows, so "{}\0<anything>" would pass. A NUL is never valid in JSON text (inside strings
  // it must be escaped), so refuse it up front (found by tests/fuzz/fuzz_control_message).
  if (payload.find('\0') != std::string_view::npos) {
    return make_error(Errc::bad_json, "invalid JSON: NUL byte in the payload");
  }
  json root;
  StrictSax sax(root);
  bool parsed = false;
  try {
    parsed = json::sax_parse(payload.begin(), payload.end(), &sax);
  } catch (const std::exception& ex) {  // nlohmann reports a few limits by throwing
    return make_error(Errc::bad_json, fmt::format("invalid JSON: {}", ex.what()));
  }
  if (!parsed) {
    std::string why = sax.failure().empty() ? "syntax error" : sax.failure();
    return make_error(Errc::bad_json, fmt::format("invalid JSON: {}", why));
  }
  if (!root.is_object()) return make_error(Errc::bad_json, "message is not a JSON object");
  return root;
}

}  // namespace netdisk::protocol
