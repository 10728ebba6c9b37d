// Listing pages, shared by every transport's `list` (TCP, WebSocket, HTTP /api, WebDAV's
// PROPFIND) so all answer with the same entries in the same pages (docs/PROTOCOL.md, section
// 8). list_page() blocks on storage: call it on the blocking pool. The text writers are pure
// functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "server/ops/operation.h"
#include "storage/user_space.h"

namespace netdisk::server {

// A page holds at most this many entries, so a frame stays far below the maximum (a 255-byte
// name and its fields take under 400 bytes of JSON).
inline constexpr std::size_t kListPage = 1000;

using ListPage = ops::Listing;

// {"name", "type": "file"|"dir", "size", "mtime"} for one entry.
nlohmann::json entry_json(const storage::DirEntry& entry);

// The entries of `dir` after the name `after` (empty: from the start), sorted by name.
Result<ListPage> list_page(const storage::UserSpace& space, std::string_view dir,
                           std::string_view after);

// The page's reply fields as JSON object members, "\"entries\":[entry_json()...],\"more\":b",
// written without a DOM (server/listing_json.h): what nlohmann's dump() of those fields gives
// inside the braces, byte for byte.
std::string list_fields_text(const ListPage& page);

// The fields a reply frame carries on TCP and the WebSocket: a listing as its JSON text
// (protocol/encoded_fields.h), any other reply's fields as they are.
nlohmann::json frame_fields(ops::OpReply&& reply);

}  // namespace netdisk::server
