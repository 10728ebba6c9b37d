// `netdiskd admin`: the administrator's tool. With the server running it talks to the server's
// admin socket (admin_socket.h), so every change goes through the one process that owns the
// data folder and none is lost; with the server stopped it takes the data folder's lock
// (storage/data_lock.h), opens the same services netdiskd would, and runs the same admin ops
// in-process. Either way the ops are those of ops/admin_ops.h. Blocking; main thread only.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/result.h"
#include "server/server_config.h"

namespace netdisk::server {

struct AdminRequest {
  std::string op;  // an admin op name, e.g. "admin.users"
  nlohmann::json fields = nlohmann::json::object();
};

// How the request reached its op: through the running server, or in this process.
enum class AdminRoute { socket, in_process };

struct AdminAnswer {
  AdminRoute route = AdminRoute::socket;
  nlohmann::json fields;
};

// Runs the request against the server of `config.data_dir`. Errors: the op's own, or io_error
// when neither the socket nor the data folder can be reached (with what to check).
Result<AdminAnswer> run_admin_request(const ServerConfig& config, const AdminRequest& request);

// Adds `admin` and its commands to netdiskd's command line; `run` is set to the function that
// carries out the one the user chose and returns the process's exit status.
void add_admin_commands(CLI::App& app, ServerConfig& config, std::function<int()>& run);

}  // namespace netdisk::server
