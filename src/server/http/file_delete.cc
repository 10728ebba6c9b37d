#include "server/http/file_delete.h"

#include "server/http/api_adapter.h"
#include "server/http/dav/write_gate.h"
#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/folder_listing.h"
#include "server/http/http_services.h"
#include "server/http/preconditions.h"
#include "server/http/responses.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"

namespace netdisk::server::http {
namespace {

namespace asio = boost::asio;

// The preconditions, and for a folder URL "it is a folder"; empty when nothing is to check.
storage::TargetCheck delete_check(const Preconditions& conditions, bool folder_url) {
  if (!conditions.any() && !folder_url) return {};
  auto preconditions = conditions.any() ? precondition_check(conditions) : storage::TargetCheck{};
  return [preconditions = std::move(preconditions),
          folder_url](const storage::TargetState& state) -> storage::StorageStatus {
    if (folder_url && !state.is_directory) {
      return storage::storage_error(storage::StorageErrc::not_a_directory,
                                    "this is a file, not a folder");
    }
    return preconditions ? preconditions(state) : storage::StorageStatus{};
  };
}

}  // namespace

asio::awaitable<void> serve_delete(Exchange& exchange, const Caller& caller,
                                   const std::string& path, bool folder_url) {
  std::vector<dav::WriteTarget> targets{{path, true}};  // named: GCC 12 and braced lists
  if (!co_await dav::pass_write_gate(exchange, caller, path, std::move(targets))) co_return;
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  nlohmann::json body = {{"path", path}};
  ops::OpCall call{exchange.services().server, session, body};
  auto conditions = read_preconditions(exchange.request());
  call.target_check = delete_check(conditions, folder_url);
  const auto& op = ops::files_op(ops::FilesRole::remove);
  auto removed = co_await ops::dispatch(&op, op.name, call);
  if (!removed && removed.error().code == Errc::not_empty && !conditions.any()) {
    // WebDAV's DELETE of a collection removes everything in it (RFC 4918, 9.6.1).
    nlohmann::json tree = {{"path", path}, {"recursive", true}};
    ops::OpCall tree_call{exchange.services().server, session, tree};
    removed = co_await ops::dispatch(&op, op.name, tree_call);
  }
  if (!removed && removed.error().code == Errc::not_a_directory && folder_url) {
    co_return co_await refuse_file_as_folder(exchange);
  }
  if (!removed) co_return co_await exchange.send_error(removed.error());
  StringResponse response{bhttp::status::no_content, 11};
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http
