// Helpers every end-to-end test shares: test data (pseudo-random bytes, whole-file reads and
// writes, the XXH3-128 of a byte string) and the usual ways into a running netdiskd (a greeted
// connection, a registered user, a logged-in connection). Plain functions; any thread.
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

// The password test users get unless a test says otherwise.
inline constexpr const char* kTestPassword = "password1";
// netdiskd options for Argon2id at libsodium's cheapest cost, for tests that hash a lot.
inline const std::vector<std::string> kCheapHashing = {"--password-hash-memory", "1",
                                                       "--password-hash-ops", "1"};

// Deterministic pseudo-random bytes.
std::string random_bytes(std::size_t n, std::uint32_t seed);
// The whole file ("" when it cannot be read), and a write that replaces it.
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);
// The names in a folder, sorted.
std::vector<std::string> names_in(const std::filesystem::path& folder);
// names_in() without NetDisk's reserved entries (partials, the trash, the versions): what a
// client's listing of that folder shows.
std::vector<std::string> visible_names_in(const std::filesystem::path& folder);
// The value of header `name` (any case) in an HTTP head, "" when it is not there.
std::string header_value(const std::string& head, const std::string& name);
// XXH3-128 in the wire's 32 lowercase hex digits, as `upload` and `download` use it.
std::string xxh3(std::string_view bytes);

// A plain TCP socket connected to 127.0.0.1:`port` (with SO_RCVBUF set first when
// `receive_buffer` > 0), or -1 when the connection is refused. The caller closes it.
int connect_loopback(std::uint16_t port, int receive_buffer = 0);

// A listening TCP socket on 127.0.0.1 at an ephemeral port, for stand-in servers; `port` is
// set to the port. Throws std::runtime_error when it cannot listen. The caller closes it.
int listen_loopback(int backlog, std::uint16_t& port);

// A connection to the TCP port that has said hello.
client::WireConnection greeted(const ServerProcess& server);
// Registers `user`; throws std::runtime_error if the server refuses.
void create_user(const ServerProcess& server, const std::string& user,
                 const std::string& password = kTestPassword);
// A greeted connection logged in as `user`; throws std::runtime_error if the login fails.
client::WireConnection logged_in(const ServerProcess& server, const std::string& user,
                                 const std::string& password = kTestPassword);

// `upload` and then one `upload.data` with everything the server does not hold yet; returns
// the last reply (the refusal of `upload`, or the reply to `upload.data`).
protocol::Reply upload(client::WireConnection& connection, const std::string& path,
                       const std::string& data, bool with_checksum = true);

struct Downloaded {
  protocol::Reply reply;
  std::string bytes;  // the stream that followed an ok reply
};
// `download` of `path` with `extra` request fields (offset, version, prefix_checksum).
Downloaded download(client::WireConnection& connection, const std::string& path,
                    nlohmann::json extra = nlohmann::json::object());

// The user names in a users.xlsx, read by an independent reader (list_workbook_users.py);
// a workbook that does not parse fails the calling test.
std::set<std::string> workbook_users(const std::filesystem::path& workbook);

// Names in `dir` that start with NetDisk's reserved prefixes (temporary or partial files).
std::vector<std::string> reserved_entries(const std::filesystem::path& dir);
// Bytes the server holds in partial uploads (".netdisk-part." files) in `dir`: how a test sees
// that the server has taken part of an upload.
std::uint64_t partial_upload_bytes(const std::filesystem::path& dir);

// A memory figure of process `pid` from /proc/<pid>/status in KiB ("VmRSS", or "VmHWM" for the
// peak); -1 if it cannot be read.
long status_kib(pid_t pid, std::string_view field);

}  // namespace netdisk::e2e
