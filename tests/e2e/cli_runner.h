// Running the real `netdisk` client from a test: arguments, environment and stdin in; exit
// status, stdout and stderr out. Each run gets a timeout so a hanging client fails the test.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace netdisk::e2e {

struct CliResult {
  int exit_code = -1;  // -1 when killed by a signal or the timeout
  std::string out;
  std::string err;
};

// Runs `program` (a path) with `args`. `env` entries are added to (or replace) the test's own
// environment; NETDISK_PASSWORD is removed unless given, and NETDISK_PLAINTEXT is 1 unless
// given, as the test servers speak plain text unless a test asks for TLS (pass "0" then).
CliResult run_program(const std::filesystem::path& program, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {},
                      const std::string& stdin_text = {},
                      std::chrono::seconds timeout = std::chrono::seconds(60));

// Runs build/bin/netdisk; unless `env` sets NETDISK_PLAINTEXT, the "not encrypted" line is
// left out of `err` (without_plaintext_notice).
CliResult run_netdisk(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {},
                      const std::string& stdin_text = {},
                      std::chrono::seconds timeout = std::chrono::seconds(60));

// `err` without the client's "not encrypted" line (client/server_link.h), which every run
// against a plain-text test server prints; tests that are not about it never see it.
std::string without_plaintext_notice(std::string err);

// Runs a command line through /bin/sh -c (for tools such as python3 or cmp).
CliResult run_shell(const std::string& command);

}  // namespace netdisk::e2e
