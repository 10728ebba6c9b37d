// What the commands of `netdiskd admin` share (admin_cli.cc, admin_user_cli.cc): the options,
// running one request and printing its answer. Main thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "server/admin/admin_command.h"

namespace netdisk::server {

struct AdminOptions {
  bool json = false;
  std::string mode;
  std::string expires;
  unsigned uses = 1;
  // admin user ...
  std::string username;
  std::string value;  // the quota's size, the role
  bool purge = false;
  bool admin_role = false;
};

using AdminPrinter = void (*)(const nlohmann::json&);

// Runs `request` and prints the answer (`print`, or JSON with --json). Returns the exit
// status: 0, or 1 after the error on stderr.
int carry_out(const ServerConfig& config, const AdminOptions& options, AdminRequest request,
              AdminPrinter print);

// A JSON value as a table cell: "-" for null, strings unquoted.
std::string text_of(const nlohmann::json& value);

// One account's row as `admin users` prints it; the header first.
void print_user_header();
void print_user_row(const nlohmann::json& user);

// Adds `admin export-users FILE` and `admin import-users FILE` (cluster mode) to `admin`.
void add_cluster_user_commands(CLI::App& admin, ServerConfig& config, std::function<int()>& run);

// Adds `admin user ...` (docs/ADMIN.md) to `admin`.
void add_user_commands(CLI::App& admin, ServerConfig& config, std::function<int()>& run,
                       std::shared_ptr<AdminOptions> options);

}  // namespace netdisk::server
