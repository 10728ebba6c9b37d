#include "client/commands/df_command.h"

#include <iostream>

#include <fmt/format.h>

#include "client/connector.h"
#include "client/progress/progress_format.h"

namespace netdisk::client {
namespace {

std::string bytes_line(std::string_view label, const nlohmann::json& value,
                       std::string_view without) {
  if (!value.is_number_unsigned()) return fmt::format("{:<6} {}\n", label, without);
  auto bytes = value.get<std::uint64_t>();
  return fmt::format("{:<6} {} ({} bytes)\n", label, human_bytes(bytes), bytes);
}

}  // namespace

std::string df_text(const nlohmann::json& reply) {
  std::string out = bytes_line("used", reply.value("used", nlohmann::json()), "?");
  out += bytes_line("quota", reply.value("quota", nlohmann::json()), "none");
  out += bytes_line("free", reply.value("free", nlohmann::json()), "no limit (no quota)");
  return out;
}

int df_command(Connector& connector) {
  auto reply = connector.authenticated().call("df");
  std::cout << df_text(reply);
  return 0;
}

}  // namespace netdisk::client
