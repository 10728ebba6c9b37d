// Helpers for end-to-end tests that speak the protocol directly through WireConnection:
// accounts, whole-file uploads and downloads, random content and its XXH3-128 checksum.
// Blocking; a connection belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/wire_connection.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {

// Deterministic pseudo-random bytes.
std::string random_bytes(std::size_t n, std::uint32_t seed);
// The XXH3-128 hex digest the protocol uses as an upload checksum.
std::string xxh3(std::string_view bytes);
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);

inline constexpr const char* kTestPassword = "password1";

// Registers `user` (password kTestPassword); throws if the server refuses.
void create_user(const ServerProcess& server, const std::string& user);
// A connection logged in as `user`; throws if the login fails.
client::WireConnection session(const ServerProcess& server, const std::string& user);

// upload + one upload.data with the whole remainder. Returns the final reply.
protocol::Reply upload(client::WireConnection& connection, const std::string& path,
                       const std::string& data, bool with_checksum = true);

struct Downloaded {
  protocol::Reply reply;
  std::string bytes;
};
Downloaded download(client::WireConnection& connection, const std::string& path,
                    nlohmann::json extra = nlohmann::json::object());

// The user names in a users.xlsx, read by an independent reader (list_workbook_users.py);
// a workbook that does not parse fails the calling test.
std::set<std::string> workbook_users(const std::filesystem::path& workbook);

// Names in `dir` that start with NetDisk's reserved prefixes (temporary or partial files).
std::vector<std::string> reserved_entries(const std::filesystem::path& dir);

}  // namespace netdisk::e2e
