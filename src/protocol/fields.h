// Typed access to the fields of a control message. Each accessor checks presence, type and
// range and returns Errc::bad_request with a message naming the field, so handlers never see
// a wrongly typed value. Stateless; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace netdisk::protocol {

// The largest size or offset on the wire: sizes are signed 64-bit on every file system.
inline constexpr std::uint64_t kMaxWireInteger = (std::uint64_t{1} << 63) - 1;

Result<std::string_view> string_field(const nlohmann::json& object, std::string_view name);
Result<std::optional<std::string_view>> optional_string_field(const nlohmann::json& object,
                                                              std::string_view name);

// A non-negative integer no larger than `max`. Negative numbers, fractions, 1e30 and 2^64 are
// all refused.
Result<std::uint64_t> uint_field(const nlohmann::json& object, std::string_view name,
                                 std::uint64_t max = kMaxWireInteger);
Result<std::optional<std::uint64_t>> optional_uint_field(const nlohmann::json& object,
                                                         std::string_view name,
                                                         std::uint64_t max = kMaxWireInteger);

Result<bool> bool_field(const nlohmann::json& object, std::string_view name);
Result<bool> optional_bool_field(const nlohmann::json& object, std::string_view name,
                                 bool fallback);

}  // namespace netdisk::protocol
