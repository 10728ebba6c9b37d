// put and get: the command-line side of uploads and downloads. They turn the arguments into
// a list of transfers (deciding target names, asking about existing files on a terminal) on
// the main thread, then run them with run_transfers() in parallel. Exit status 0, 1 when any
// file failed, 130 after Ctrl-C; usage errors are thrown as std::invalid_argument.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "client/connector.h"

namespace netdisk::client {

struct TransferFlags {
  bool quiet = false;      // no progress and no summaries
  std::size_t jobs = 4;    // parallel connections
  std::string limit_rate;  // e.g. "10M"; empty for none
};

struct PutOptions {
  std::vector<std::string> paths;  // LOCAL... [REMOTE]
  std::string to;                  // --to REMOTE_DIR
  bool resume = false;             // say so when the server holds no partial upload to continue
  TransferFlags flags;
};

struct GetOptions {
  std::vector<std::string> paths;  // REMOTE... [LOCAL]
  bool resume = false;             // continue TARGET.part or a shorter TARGET without asking
  bool overwrite = false;          // start over and replace an existing TARGET without asking
  TransferFlags flags;
};

int put_command(Connector& connector, const PutOptions& options);
int get_command(Connector& connector, const GetOptions& options);

// Quotes `word` for a POSIX shell when it needs it (for "run this again" hints).
std::string shell_quote(const std::string& word);

}  // namespace netdisk::client
