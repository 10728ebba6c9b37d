// The HTML page of a folder URL (/files/<folder>/): one link per entry, in the shape web
// servers' autoindex pages have, so browsers, `wget -r` and rclone's http backend can walk it.
// Each href is the entry's name percent-encoded (every byte but ALPHA / DIGIT / "-._~", so no
// name can look like a scheme or a query) with "/" after a folder; the text is HTML-escaped.
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/user_space.h"

namespace netdisk::server::http {

// `url_path` is the folder's decoded URL path ("/files/photos/2026/"), shown in the title;
// `entries` are listed in the given order, after a "../" link unless `url_path` is "/files/".
std::string listing_html(std::string_view url_path, const std::vector<storage::DirEntry>& entries);

}  // namespace netdisk::server::http
