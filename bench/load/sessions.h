// Opening many logged-in NetDisk connections at once without overflowing the server's listen
// backlog: at most Options::setup_parallel are connecting or logging in at a time. One
// password login (Argon2id, the real cost) fetches a token; the other connections present the
// token, so opening 10,000 sessions does not take 10,000 hashes. Loop thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "event_loop.h"
#include "options.h"
#include "wire_client.h"

namespace netdisk::bench {

using Clients = std::vector<std::unique_ptr<WireClient>>;

enum class Login { none, token };

// hello + login with the password on one connection; returns the session token.
// Throws std::runtime_error (with the server's error) on failure.
std::string fetch_token(EventLoop& loop, const Options& options);

// Opens `n` connections, each with hello and, for Login::token, login with `token`.
// Throws std::runtime_error if any fails or the whole takes longer than options.timeout.
Clients open_http_connections(EventLoop& loop, const Options& options, unsigned n, Login login,
                      const std::string& token = {});

// Sends `op` (with `fields`) on every client and waits until each has answered. Returns the
// number of error replies; `first_error` gets the first error code name.
std::size_t call_all(EventLoop& loop, const Options& options, Clients& clients,
                     const std::string& op, std::string* first_error = nullptr);

Clock::time_point deadline_of(const Options& options);

// Throws if a reply is an error (naming the op).
void expect_ok(const protocol::Reply& reply, std::string_view what);

}  // namespace netdisk::bench
