#include "server/discovery.h"

#include <array>
#include <chrono>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace netdisk::server {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// A token bucket: `rate` replies per second, bursts up to `burst`.
class Bucket {
 public:
  Bucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  bool take(Clock::time_point now) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  bool full(Clock::time_point now) const {
    return tokens_ + std::chrono::duration<double>(now - last_).count() * rate_ >= burst_;
  }

 private:
  double rate_, burst_, tokens_;
  Clock::time_point last_ = Clock::now();
};

constexpr double kRepliesPerSecond = 50, kBurst = 20;
constexpr double kRepliesPerSourcePerSecond = 2, kSourceBurst = 5;
constexpr std::size_t kMaxTrackedSources = 4096;

}  // namespace

std::string discovery_reply(const DiscoveryInfo& info, std::size_t probe_size) {
  nlohmann::json fields{{"name", info.name},
                        {"version", info.version},
                        {"port", info.port},
                        {"tls", !info.fingerprint.empty()}};
  auto dump = [&] { return fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  std::string reply;
  if (!info.fingerprint.empty()) {
    fields["fingerprint"] = info.fingerprint;
    reply = dump();
    if (reply.size() <= probe_size) return reply;
    // A short probe (an older client's 128 bytes and a long server name) still learns that
    // the port speaks TLS; the client then shows the key when it connects.
    fields.erase("fingerprint");
  }
  reply = dump();
  if (reply.size() > probe_size) return {};
  return reply;
}

asio::awaitable<void> serve_discovery(asio::ip::udp::socket& socket, const DiscoveryInfo& info) {
  std::array<char, 1500> probe{};
  asio::ip::udp::endpoint sender;
  Bucket overall(kRepliesPerSecond, kBurst);
  std::unordered_map<std::string, Bucket> per_source;
  while (socket.is_open()) {
    auto [ec, n] = co_await socket.async_receive_from(asio::buffer(probe), sender, kAsTuple);
    if (ec == asio::error::operation_aborted || !socket.is_open()) break;
    if (ec) continue;
    std::string_view text(probe.data(), n);
    if (n < kMinProbeBytes || !text.starts_with(kDiscoveryProbe)) continue;
    auto now = Clock::now();
    if (per_source.size() > kMaxTrackedSources) {
      std::erase_if(per_source, [now](const auto& entry) { return entry.second.full(now); });
    }
    auto source = sender.address().to_string();
    auto& bucket = per_source.try_emplace(source, kRepliesPerSourcePerSecond, kSourceBurst)
                       .first->second;
    if (!bucket.take(now) || !overall.take(now)) continue;
    auto reply = discovery_reply(info, n);
    if (reply.empty()) continue;
    co_await socket.async_send_to(asio::buffer(reply), sender, kAsTuple);
  }
}

}  // namespace netdisk::server
