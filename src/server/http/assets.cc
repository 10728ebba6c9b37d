#include "server/http/assets.h"

namespace netdisk::server::http {
namespace {

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

Asset find_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  if (!path.starts_with("/")) return {nullptr, {}};
  path.remove_prefix(1);
  for (const auto& file : embedded_files()) {
    if (file.name == path) return {&file, content_type_of(file.name)};
  }
  return {nullptr, {}};
}

}  // namespace netdisk::server::http
