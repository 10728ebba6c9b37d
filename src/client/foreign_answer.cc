#include "client/foreign_answer.h"

#include <algorithm>
#include <cctype>

namespace netdisk::client {
namespace {

// Case-insensitive search: HTTP header names are not case-sensitive.
bool contains_nocase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

// A TLS record header: content type 20-23 (alert, handshake...), then version 3.x.
bool looks_like_tls(std::string_view bytes) {
  if (bytes.size() < 3) return false;
  auto type = static_cast<unsigned char>(bytes[0]);
  auto major = static_cast<unsigned char>(bytes[1]);
  auto minor = static_cast<unsigned char>(bytes[2]);
  return type >= 20 && type <= 23 && major == 3 && minor <= 4;
}

// Where netdiskd's protocol port is, unless the user is already knocking on it.
std::string port_advice(const ServerAddress& server) {
  if (server.port == kDefaultPort) return "";
  ServerAddress suggestion{server.host, kDefaultPort};
  return "; netdiskd's protocol port is " + std::to_string(kDefaultPort) +
         " unless its --listen says otherwise: try --server " + suggestion.to_string();
}

}  // namespace

ForeignKind identify_foreign(std::string_view first_bytes) {
  if (first_bytes.empty()) return ForeignKind::silent_close;
  if (first_bytes.starts_with("HTTP/")) {
    return contains_nocase(first_bytes, "\nserver: netdiskd") ? ForeignKind::netdisk_http
                                                              : ForeignKind::http;
  }
  if (looks_like_tls(first_bytes)) return ForeignKind::tls;
  if (first_bytes.starts_with("SSH-")) return ForeignKind::ssh;
  return ForeignKind::other;
}

std::string foreign_answer_message(std::string_view first_bytes, const ServerAddress& server) {
  std::string where = server.to_string();
  switch (identify_foreign(first_bytes)) {
    case ForeignKind::netdisk_http:
      return where + " is NetDisk's HTTP port (for browsers and HTTP tools), not its protocol " +
             "port" + port_advice(server);
    case ForeignKind::http:
      return where + " answered in HTTP: it is a web server (NetDisk's HTTP port or another), " +
             "not a NetDisk protocol port" + port_advice(server);
    case ForeignKind::tls:
      return where + " answered with TLS: it is not a NetDisk server (netdisk speaks the " +
             "NetDisk protocol, which has no TLS)" + port_advice(server);
    case ForeignKind::ssh:
      return where + " is an SSH server, not a NetDisk server" + port_advice(server);
    case ForeignKind::silent_close:
      return where + " closed the connection without answering: it is not a NetDisk server, " +
             "or the server is shutting down" + port_advice(server);
    case ForeignKind::other:
      break;
  }
  return where + " is not a NetDisk server: it answered with bytes that are not NetDisk " +
         "protocol frames" + port_advice(server);
}

}  // namespace netdisk::client
