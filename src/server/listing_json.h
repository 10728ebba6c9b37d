// Listing entries written straight into one output string as JSON text, with no DOM and no
// allocation per entry: a 1,000-entry listing built as nlohmann objects cost a third of the
// server's CPU in malloc, free and the serializer (docs/BENCHMARKS.md, "Levers (issue #17)").
// The output is what nlohmann's dump() gives for the same values, byte for byte, including the
// replacement of invalid UTF-8 (tests/server/listing_json_test.cc). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "storage/dir_entry.h"

namespace netdisk::server {

// Appends `text` as a JSON string literal, escaped as nlohmann::json::dump(-1, ' ', false,
// error_handler_t::replace) escapes it.
void append_json_string(std::string& out, std::string_view text);

// Appends format_utc_ns(ns) (common/time_format.h), without its allocations and gmtime_r.
void append_utc_ns(std::string& out, std::int64_t ns_since_epoch);

// Appends entry_json(entry).dump(): {"mtime":...,"name":...,"size":...,"type":...}; with
// `version`, a file's entry ends with its "version" too.
void append_entry_json(std::string& out, const storage::DirEntry& entry, bool version = false);

// Appends a JSON array of append_entry_json() values.
void append_entries_json(std::string& out, std::span<const storage::DirEntry> entries,
                         bool versions = false);

}  // namespace netdisk::server
