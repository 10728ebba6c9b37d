// Options of netdisk-load (filled by main.cc from the command line) and the result record each
// mode returns: one JSON object, printed as one line. Plain data.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace netdisk::bench {

struct Options {
  std::string mode;
  std::string label;
  std::uint16_t port = 7070;
  std::string user = "bench";
  std::string password = "bench-password-1";
  std::string path = "big.bin";     // remote file for download, ping-under-load, concurrency
  std::string dir = "small";        // remote folder for small-get and list
  std::string file;                 // local file for upload
  unsigned conns = 1;               // connections (receivers for chat)
  unsigned count = 1;               // transfers per connection (download, upload)
  unsigned files = 1000;            // small-get cycles over dir/f0000..f<files-1>
  unsigned bulk = 8;                // bulk downloads in ping-under-load
  unsigned messages = 1000;         // chat messages
  unsigned window = 1;              // chat messages in flight
  unsigned setup_parallel = 128;    // connections being set up at once
  double duration = 5;              // seconds, for the rate modes
  double hold = 2;                  // seconds the idle connections settle before sampling
  double timeout = 300;             // hard limit for the whole run, seconds
  int server_pid = 0;               // for server CPU and memory (0: not measured)
};

using Record = nlohmann::json;

}  // namespace netdisk::bench
