#include "storage/dead_properties.h"

#include <charconv>

#include <fmt/format.h>

namespace netdisk::storage {
namespace {

constexpr std::string_view kMagic = "ndp1";

void append_netstring(std::string& out, std::string_view bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
  out += ',';
}

// Takes one netstring off the front of `in`; nullopt when it is not one.
std::optional<std::string> take_netstring(std::string_view& in) {
  std::size_t length = 0;
  auto [end, ec] = std::from_chars(in.data(), in.data() + in.size(), length);
  if (ec != std::errc() || end == in.data()) return std::nullopt;
  std::size_t digits = static_cast<std::size_t>(end - in.data());
  if (in.size() - digits < 2 || in[digits] != ':') return std::nullopt;
  std::string_view rest = in.substr(digits + 1);
  if (length >= rest.size() || rest[length] != ',') return std::nullopt;
  std::string bytes(rest.substr(0, length));
  in = rest.substr(length + 1);
  return bytes;
}

StorageError unreadable() {
  return storage_error(StorageErrc::io_error, "the stored properties are unreadable");
}

}  // namespace

StorageResult<DeadProperties> patched(DeadProperties current,
                                      std::span<const PropertyChange> changes) {
  for (const auto& change : changes) {
    if (change.name.local.empty()) {
      return storage_error(StorageErrc::bad_argument, "a property needs a name");
    }
    if (change.value) {
      current.insert_or_assign(change.name, *change.value);
    } else {
      current.erase(change.name);
    }
  }
  if (current.size() > kMaxPropertyCount) {
    return storage_error(
        StorageErrc::no_space,
        fmt::format("a file or folder holds at most {} properties", kMaxPropertyCount));
  }
  if (encode_properties(current).size() > kMaxPropertyBytes) {
    return storage_error(
        StorageErrc::no_space,
        fmt::format("a file or folder's properties take at most {} bytes", kMaxPropertyBytes));
  }
  return current;
}

std::string encode_properties(const DeadProperties& properties) {
  if (properties.empty()) return {};
  std::string out(kMagic);
  for (const auto& [name, value] : properties) {
    append_netstring(out, name.ns);
    append_netstring(out, name.local);
    append_netstring(out, value);
  }
  return out;
}

StorageResult<DeadProperties> decode_properties(std::string_view encoded) {
  DeadProperties properties;
  if (encoded.empty()) return properties;
  if (!encoded.starts_with(kMagic)) return unreadable();
  encoded.remove_prefix(kMagic.size());
  while (!encoded.empty()) {
    auto ns = take_netstring(encoded);
    auto local = ns ? take_netstring(encoded) : std::nullopt;
    auto value = local ? take_netstring(encoded) : std::nullopt;
    if (!value || local->empty()) return unreadable();
    properties.insert_or_assign(PropertyName{std::move(*ns), std::move(*local)}, std::move(*value));
  }
  return properties;
}

}  // namespace netdisk::storage
