// Dead properties (RFC 4918, section 4): the name/value pairs a WebDAV client stores on a
// file or folder, kept by the storage backend beside the content. Storage treats a value as
// opaque text (the WebDAV adapter stores the property's XML element there); it owns the
// limits, the all-or-nothing patch and the one serialised form a backend may keep on disk
// (docs/HTTP.md, "Dead properties", describes the format). Pure functions; any thread.
#pragma once

#include <compare>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "storage/storage_error.h"

namespace netdisk::storage {

// A property's qualified name: namespace URI and local name.
struct PropertyName {
  std::string ns;
  std::string local;
  auto operator<=>(const PropertyName&) const = default;
};

// A resource's dead properties, by name.
using DeadProperties = std::map<PropertyName, std::string>;

// One step of a patch: set `name` to `value`, or remove it (nullopt; removing an absent
// property is not an error, RFC 4918 section 14.23).
struct PropertyChange {
  PropertyName name;
  std::optional<std::string> value;
};

// The bounds every backend keeps, below what the local backend's file systems allow (ext4
// holds all of an inode's extended attributes in one 4 KiB block; the checksum attribute
// needs about 80 bytes of it). Over either: no_space, and nothing changes.
inline constexpr std::size_t kMaxPropertyBytes = 3072;  // serialised, per resource
inline constexpr std::size_t kMaxPropertyCount = 64;    // per resource

// `current` with `changes` applied in order. no_space when the result is over a bound;
// bad_argument for an empty local name.
StorageResult<DeadProperties> patched(DeadProperties current,
                                      std::span<const PropertyChange> changes);

// The serialised form: "ndp1" then, per property in name order, three netstrings
// ("<length>:<bytes>,"): namespace, local name, value. "" for no properties.
std::string encode_properties(const DeadProperties& properties);

// The inverse of encode_properties(); io_error for a value it did not write.
StorageResult<DeadProperties> decode_properties(std::string_view encoded);

}  // namespace netdisk::storage
