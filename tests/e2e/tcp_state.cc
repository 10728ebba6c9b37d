#include "tests/e2e/tcp_state.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace netdisk::e2e {
namespace {

// An address as /proc/net/tcp prints it: the 32-bit address in host byte order as 8 hex
// digits, a colon, and the port as 4 hex digits ("0100007F:1F90" for 127.0.0.1:8080).
std::string proc_form(const sockaddr_in& address) {
  char text[16];
  std::snprintf(text, sizeof text, "%08X:%04X", address.sin_addr.s_addr, ntohs(address.sin_port));
  return text;
}

}  // namespace

std::optional<ServerEnd> server_end(int fd) {
  sockaddr_in ours{}, theirs{};
  socklen_t size = sizeof ours;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ours), &size) != 0) return std::nullopt;
  size = sizeof theirs;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&theirs), &size) != 0) return std::nullopt;
  // The server's socket is the row whose local address is our peer and whose remote
  // address is us; "01" is TCP_ESTABLISHED; the queues column is "tx_queue:rx_queue" in hex.
  std::string local = proc_form(theirs), remote = proc_form(ours);
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the column titles
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, row_local, row_remote, state, queues;
    fields >> slot >> row_local >> row_remote >> state >> queues;
    if (row_local != local || row_remote != remote) continue;
    return ServerEnd{state == "01", std::stol(queues.substr(queues.find(':') + 1), nullptr, 16)};
  }
  return std::nullopt;
}

bool server_end_closed(int fd) {
  auto end = server_end(fd);
  return !end || !end->established;
}

}  // namespace netdisk::e2e
