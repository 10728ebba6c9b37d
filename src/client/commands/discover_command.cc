#include "client/commands/discover_command.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "protocol/key_fingerprint.h"

namespace netdisk::client {
namespace {

// The probe: the magic line, padded so the server's answer (never longer than the probe)
// fits. docs/PROTOCOL.md, section 11.
std::string make_probe() {
  std::string probe = "NETDISK-DISCOVER 1\n";
  probe.resize(256, ' ');  // room for the "tls" and "fingerprint" fields
  return probe;
}

sockaddr_in resolve_ipv4(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    throw std::invalid_argument("cannot resolve " + host);
  }
  sockaddr_in address = *reinterpret_cast<sockaddr_in*>(found->ai_addr);
  ::freeaddrinfo(found);
  address.sin_port = htons(port);
  return address;
}

// How the server's TCP port is secured, from the answer's "tls" and "fingerprint" fields
// (an older server sends neither: plain text).
std::string security_of(const nlohmann::json& answer) {
  auto tls = answer.find("tls");
  if (tls == answer.end() || !tls->is_boolean() || !tls->get<bool>()) return "plain text";
  auto fingerprint = answer.find("fingerprint");
  // Only the fingerprint's own characters reach the terminal, whatever a LAN host sends.
  if (fingerprint == answer.end() || !fingerprint->is_string() ||
      !protocol::is_key_fingerprint(fingerprint->get<std::string>())) {
    return "TLS";
  }
  return "TLS " + fingerprint->get<std::string>();
}

}  // namespace

int discover_command(const DiscoverOptions& options) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("cannot open a UDP socket");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  std::vector<std::string> hosts = options.hosts;
  if (hosts.empty()) hosts = {"255.255.255.255", "127.0.0.1"};
  std::string probe = make_probe();
  for (const auto& host : hosts) {
    auto address = resolve_ipv4(host, options.port);
    ::sendto(fd, probe.data(), probe.size(), 0, reinterpret_cast<sockaddr*>(&address),
             sizeof address);
  }

  std::set<std::string> seen;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int>(options.timeout_seconds * 1000));
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[2048];
    sockaddr_in from{};
    socklen_t from_size = sizeof from;
    ssize_t n = ::recvfrom(fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from),
                           &from_size);
    if (n <= 0) continue;
    auto answer = nlohmann::json::parse(std::string_view(buffer, static_cast<std::size_t>(n)),
                                        nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object() || !answer["port"].is_number_unsigned()) continue;
    char address[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &from.sin_addr, address, sizeof address);
    std::string line = answer.value("name", std::string("?")) + "\t" + address + ":" +
                       std::to_string(answer["port"].get<unsigned>()) + "\tnetdiskd " +
                       answer.value("version", std::string("?")) + "\t" + security_of(answer);
    if (seen.insert(line).second) std::cout << line << "\n";
  }
  ::close(fd);
  if (seen.empty()) {
    std::cerr << "netdisk: no NetDisk server answered on port " << options.port << "\n";
    return 1;
  }
  return 0;
}

}  // namespace netdisk::client
