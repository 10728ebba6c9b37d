// Strict parsing of a control-message payload into a JSON object (docs/PROTOCOL.md, section 2):
// UTF-8 only, one object at the top level, no duplicate keys, nesting at most kMaxJsonDepth.
// Every failure is Errc::bad_json with a message saying why. Stateless; safe from any thread.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace netdisk::protocol {

inline constexpr std::size_t kMaxJsonDepth = 16;

Result<nlohmann::json> parse_json_object(std::string_view payload);

}  // namespace netdisk::protocol
