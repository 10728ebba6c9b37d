// Parsing netdiskd's command line and --config file, at start-up and again on SIGHUP, with
// errors that name the file and line (CLI11 names only the option). The caller supplies the
// CLI11 definitions (`Declare`), so both parses read the same options. Blocks on reading the
// file: start-up or the blocking pool only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/server_config.h"

namespace CLI {
class App;
}

namespace netdisk::server {

// Declares every option of the program on `app`, writing into `config`.
using DeclareOptions = std::function<void(CLI::App& app, ServerConfig& config)>;

// The command line as given (argv[0] first), kept for the reload's second parse.
using CommandLine = std::vector<std::string>;

// The --config FILE named on `args`, or "" when none.
std::string config_file_of(const CommandLine& args);

// `message` prefixed with FILE:LINE when the --config file on `args` sets the option it names
// (or holds the 'value' it quotes); unchanged otherwise. Reads the file.
std::string located(const CommandLine& args, const std::string& message);

// Parses `args` into `app`'s options. On --help or --version prints them and returns 0; on an
// error prints it to stderr (with FILE:LINE when it comes from the --config file) and returns
// CLI11's exit code (non-zero); returns nullopt when the program should go on.
std::optional<int> parse_command_line(CLI::App& app, const CommandLine& args);

// The reload's parse: a fresh app declared by `declare`, `args` parsed again (flags still win
// over the file), then validate_server_config(). Throws std::invalid_argument with the message
// parse_command_line() would print.
ServerConfig reparse_command_line(const DeclareOptions& declare, const CommandLine& args);

}  // namespace netdisk::server
