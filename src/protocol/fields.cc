#include "protocol/fields.h"

#include <fmt/format.h>

namespace netdisk::protocol {
namespace {

using json = nlohmann::json;

const json* find_field(const json& object, std::string_view name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

Error missing(std::string_view name) {
  return make_error(Errc::bad_request, fmt::format("missing field \"{}\"", name));
}

Error wrong_type(std::string_view name, std::string_view expected) {
  return make_error(Errc::bad_request, fmt::format("field \"{}\" must be {}", name, expected));
}

Result<std::uint64_t> to_uint(const json& value, std::string_view name, std::uint64_t max) {
  // nlohmann stores 0..2^64-1 as unsigned, other integers as signed, the rest as float.
  if (!value.is_number_unsigned()) {
    return wrong_type(name, fmt::format("an integer from 0 to {}", max));
  }
  auto number = value.get<std::uint64_t>();
  if (number > max) return wrong_type(name, fmt::format("an integer from 0 to {}", max));
  return number;
}

}  // namespace

Result<std::string_view> string_field(const json& object, std::string_view name) {
  const json* value = find_field(object, name);
  if (value == nullptr) return missing(name);
  if (!value->is_string()) return wrong_type(name, "a string");
  return std::string_view(value->get_ref<const std::string&>());
}

Result<std::optional<std::string_view>> optional_string_field(const json& object,
                                                              std::string_view name) {
  const json* value = find_field(object, name);
  if (value == nullptr || value->is_null()) return std::optional<std::string_view>{};
  if (!value->is_string()) return wrong_type(name, "a string");
  return std::optional<std::string_view>{value->get_ref<const std::string&>()};
}

Result<std::uint64_t> uint_field(const json& object, std::string_view name, std::uint64_t max) {
  const json* value = find_field(object, name);
  if (value == nullptr) return missing(name);
  return to_uint(*value, name, max);
}

Result<std::optional<std::uint64_t>> optional_uint_field(const json& object,
                                                         std::string_view name,
                                                         std::uint64_t max) {
  const json* value = find_field(object, name);
  if (value == nullptr || value->is_null()) return std::optional<std::uint64_t>{};
  auto number = to_uint(*value, name, max);
  if (!number) return std::move(number).error();
  return std::optional<std::uint64_t>{*number};
}

Result<bool> bool_field(const json& object, std::string_view name) {
  const json* value = find_field(object, name);
  if (value == nullptr) return missing(name);
  if (!value->is_boolean()) return wrong_type(name, "true or false");
  return value->get<bool>();
}

Result<bool> optional_bool_field(const json& object, std::string_view name, bool fallback) {
  const json* value = find_field(object, name);
  if (value == nullptr || value->is_null()) return fallback;
  if (!value->is_boolean()) return wrong_type(name, "true or false");
  return value->get<bool>();
}

}  // namespace netdisk::protocol
