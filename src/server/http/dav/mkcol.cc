#include "server/http/dav/mkcol.h"

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/dav/dav_files.h"
#include "server/http/dav/dav_op.h"
#include "server/http/dav/write_gate.h"
#include "server/http/exchange.h"
#include "server/http/responses.h"

namespace netdisk::server::http::dav {
namespace {

bool has_body(Exchange& exchange) {
  auto& parser = exchange.parser();
  return parser.chunked() || parser.content_length().value_or(0) > 0;
}

}  // namespace

boost::asio::awaitable<void> serve_mkcol(Exchange& exchange, const Caller& caller,
                                         const std::string& path) {
  if (has_body(exchange)) {
    exchange.close_after();  // the body is not read
    co_return co_await exchange.send(error_response(bhttp::status::unsupported_media_type,
                                                    Errc::bad_request,
                                                    "MKCOL takes no request body here"));
  }
  std::vector<WriteTarget> targets{{path, false}};  // named: GCC 12 and braced lists
  if (!co_await pass_write_gate(exchange, caller, path, std::move(targets))) co_return;
  auto session = http_session(exchange, ops::Transport::http);
  session.assume_user(caller.username);
  nlohmann::json ask = {{"path", path}};  // named: GCC 12 cannot take a braced list across co_await
  auto made = co_await call_op(exchange, session, ops::FilesRole::make_folder, ask);
  if (made) co_return co_await exchange.send(StringResponse{bhttp::status::created, 11});
  auto error = std::move(made).error();
  if (error.code == Errc::already_exists || (error.code == Errc::invalid_path && path.empty())) {
    co_return co_await send_refusal(exchange, bhttp::status::method_not_allowed, error,
                                    kFilesAllow);
  }
  if (error.code == Errc::not_found || error.code == Errc::not_a_directory) {
    // A missing (or non-folder) parent: RFC 4918 says 409, the code says which.
    co_return co_await send_refusal(exchange, bhttp::status::conflict, error);
  }
  co_await exchange.send_error(error);
}

}  // namespace netdisk::server::http::dav
