#include "server/ops/basic_ops.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/time_format.h"
#include "protocol/fields.h"
#include "protocol/frame.h"
#include "server/services.h"
#include "server/version.h"

namespace netdisk::server::ops {

boost::asio::awaitable<OpResult> hello(OpCall& call) {
  if (call.greeted) {
    co_return make_error(Errc::bad_request, "hello was already sent on this connection");
  }
  auto version = protocol::uint_field(call.body, "version", 1u << 20);
  if (!version) {
    co_return make_error(Errc::unsupported_version, version.error().message);
  }
  if (*version < static_cast<std::uint64_t>(protocol::kMinProtocolVersion)) {
    co_return make_error(Errc::unsupported_version,
                         fmt::format("protocol version {} is not supported; this server speaks "
                                     "{} to {}",
                                     *version, protocol::kMinProtocolVersion,
                                     protocol::kProtocolVersion));
  }
  int agreed = static_cast<int>(std::min<std::uint64_t>(*version, protocol::kProtocolVersion));
  const auto& config = call.server.config;
  OpReply reply;
  reply.fields = {{"version", agreed},
                  {"server", fmt::format("netdiskd/{}", kNetdiskVersion)},
                  {"name", config.name},
                  {"max_frame", config.max_frame_bytes}};
  reply.agreed_version = agreed;
  co_return reply;
}

boost::asio::awaitable<OpResult> ping(OpCall&) {
  co_return reply_with({{"time", format_utc_now()}});
}

}  // namespace netdisk::server::ops
