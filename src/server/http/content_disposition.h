// Content-Disposition for downloads (RFC 6266): `attachment; filename="<ASCII fallback>";
// filename*=UTF-8''<RFC 5987>`. Clients that read filename* (browsers, wget) get the exact name;
// those that only read filename= (curl -OJ, 7.88 at least) get the fallback, which keeps every
// printable ASCII character of the name so it stays readable. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace netdisk::server::http {

// The ASCII stand-in for a UTF-8 file name: printable ASCII is kept ('"' and '\' become '_');
// each run of other bytes (non-ASCII characters, controls) becomes one '_'. A stem with no
// letter or digit left becomes "download"; an extension with none is dropped.
// "2026 报告 final.pdf" -> "2026 _ final.pdf", "报告.pdf" -> "download.pdf".
std::string ascii_fallback_name(std::string_view file_name);

// attachment; filename="<ascii_fallback_name()>"; filename*=UTF-8''<RFC 5987 encoding>
std::string content_disposition(std::string_view file_name);

}  // namespace netdisk::server::http
