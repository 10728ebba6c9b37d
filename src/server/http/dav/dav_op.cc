#include "server/http/dav/dav_op.h"

#include "server/http/api_adapter.h"
#include "server/http/auth.h"
#include "server/http/exchange.h"
#include "server/http/folder_listing.h"
#include "server/http/http_services.h"
#include "server/http/responses.h"
#include "server/http/url.h"
#include "server/services.h"
#include "server/ops/op_table.h"
#include "server/ops/session.h"

namespace netdisk::server::http::dav {

boost::asio::awaitable<ops::OpResult> call_op(Exchange& exchange, ops::Session& session,
                                              ops::FilesRole role, const nlohmann::json& body) {
  ops::OpCall call{exchange.services().server, session, body};
  const auto& op = ops::files_op(role);
  co_return co_await ops::dispatch(&op, op.name, call);
}

boost::asio::awaitable<std::optional<UrlResource>> stat_url(Exchange& exchange,
                                                            ops::Session& session,
                                                            const std::string& path,
                                                            bool folder_url) {
  nlohmann::json ask = {{"path", path}};  // named: GCC 12 cannot take a braced list across co_await
  auto stat = co_await call_op(exchange, session, ops::FilesRole::stat, ask);
  if (!stat) {
    co_await exchange.send_error(stat.error());
    co_return std::nullopt;
  }
  UrlResource resource{std::move(stat->fields), false, "/files/" + percent_encode_path(path)};
  resource.folder = resource.fields.value("type", "") == "dir";
  if (!resource.folder && folder_url) {
    co_await refuse_file_as_folder(exchange);
    co_return std::nullopt;
  }
  if (resource.folder && !path.empty()) resource.href += '/';
  co_return resource;
}

boost::asio::awaitable<void> send_refusal(Exchange& exchange, bhttp::status status,
                                          const Error& error, std::string_view allow) {
  auto message = exchange.services().server.layout.without_server_paths(error.message);
  auto response = error_response(status, error.code, std::move(message));
  if (!allow.empty()) response.set(bhttp::field::allow, allow);
  co_await exchange.send(std::move(response));
}

boost::asio::awaitable<void> send_xml(Exchange& exchange, bhttp::status status, std::string body) {
  StringResponse response{status, 11};
  response.set(bhttp::field::content_type, "application/xml; charset=utf-8");
  response.body() = std::move(body);
  co_await exchange.send(std::move(response));
}

}  // namespace netdisk::server::http::dav
