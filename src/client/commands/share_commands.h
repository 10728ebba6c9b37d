// netdisk share, shares and unshare: the owner's side of share links (docs/PROTOCOL.md,
// "Share links"). share prints the URL the server returns (its token is shown only this
// once), shares lists one's links with use counts, expiry and state, unshare revokes by
// token, URL, link id or path. Main thread.
#pragma once

#include <cstdint>
#include <string>

namespace netdisk::client {

class Connector;

struct ShareOptions {
  std::string path;
  std::string expires;  // "7d", "12h", "30m", "90s" or seconds; empty: never
  bool password = false;
  std::uint64_t max_downloads = 0;
  bool upload_only = false;
};

int share_command(Connector& connector, const ShareOptions& options);
int shares_command(Connector& connector);
int unshare_command(Connector& connector, const std::string& target);

}  // namespace netdisk::client
