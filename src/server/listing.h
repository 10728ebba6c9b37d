// Listing pages, shared by the TCP `list` op and the HTTP /api/list endpoint so both answer
// with the same entries in the same pages (docs/PROTOCOL.md, section 8). Pure functions over a
// storage::UserSpace; they block on storage, so call them on the blocking pool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "storage/user_space.h"

namespace netdisk::server {

// A page holds at most this many entries, so a frame stays far below the maximum (a 255-byte
// name and its fields take under 400 bytes of JSON).
inline constexpr std::size_t kListPage = 1000;

// {"name", "type": "file"|"dir", "size", "mtime"} for one entry.
nlohmann::json entry_json(const storage::DirEntry& entry);

struct ListPage {
  std::vector<storage::DirEntry> entries;  // sorted by name
  bool more = false;  // another page follows; ask again with after = the last name
};

// The entries of `dir` after the name `after` (empty: from the start), sorted by name.
Result<ListPage> list_page(const storage::UserSpace& space, std::string_view dir,
                           std::string_view after);

// The page's reply fields as a DOM: {"entries": [entry_json()...], "more"}; with `versions`,
// each file's entry also has its "version" (the storage version tag, for WebDAV's getetag).
nlohmann::json list_fields(const ListPage& page, bool versions = false);
// The same fields as JSON object members ("\"entries\":[...],\"more\":false"), written
// without a DOM (server/listing_json.h): for protocol::encoded_fields().
std::string list_fields_text(const ListPage& page);

}  // namespace netdisk::server
