// The web page's files (web/index.html, app.js, style.css), compiled into netdiskd by a CMake
// step (embed_assets.cmake), so the server needs no path to them at run time. Immutable; any
// thread.
#pragma once

#include <span>
#include <string_view>

namespace netdisk::server::http {

struct EmbeddedFile {
  std::string_view name;  // "index.html"
  std::span<const unsigned char> bytes;
};

// Defined in the generated web_assets.cc.
std::span<const EmbeddedFile> embedded_files();

struct Asset {
  const EmbeddedFile* file;
  std::string_view content_type;
};

// The asset served at URL path `path` ("/" is index.html), or nullopt-like {nullptr}.
Asset find_asset(std::string_view path);

}  // namespace netdisk::server::http
