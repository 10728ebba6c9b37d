#include "server/service/config_source.h"

#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "server/service/config_lines.h"

namespace netdisk::server {
namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The line of the key or value an error message names: each "--option" it mentions is looked
// up as a key, then each 'quoted' value (parse_endpoint's "'nohost' is not HOST:PORT").
// CLI11's unknown-key error reads "INI was not able to parse KEY".
std::size_t line_named_by(const std::string& text, const std::string& message) {
  static const std::regex kUnknown("not able to parse ([A-Za-z0-9_.-]+)");
  static const std::regex kOption("--([A-Za-z0-9][A-Za-z0-9_-]*)");
  static const std::regex kQuoted("'([^']+)'");
  std::smatch match;
  if (std::regex_search(message, match, kUnknown)) return find_config_key(text, match[1].str());
  for (std::sregex_iterator it(message.begin(), message.end(), kOption), end; it != end; ++it) {
    if (auto line = find_config_key(text, (*it)[1].str())) return line;
  }
  for (std::sregex_iterator it(message.begin(), message.end(), kQuoted), end; it != end; ++it) {
    if (auto line = find_config_value(text, (*it)[1].str())) return line;
  }
  return 0;
}

// Throws std::invalid_argument "FILE:LINE: ..." for a line no TOML setting can be; CLI11
// would skip some of those silently and misread others.
void check_file_syntax(const CommandLine& args) {
  auto file = config_file_of(args);
  if (file.empty()) return;
  std::ifstream in(file);
  if (!in) throw std::invalid_argument(fmt::format("--config {}: cannot be read", file));
  auto error = check_config_syntax(read_whole(file));
  if (error)
    throw std::invalid_argument(fmt::format("{}:{}: {}", file, error->line, error->message));
}

void parse_into(CLI::App& app, const CommandLine& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  app.parse(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

std::string config_file_of(const CommandLine& args) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind("--config=", 0) == 0) return args[i].substr(9);
  }
  return {};
}

std::string located(const CommandLine& args, const std::string& message) {
  auto file = config_file_of(args);
  if (file.empty() || message.rfind(file + ":", 0) == 0) return message;
  auto line = line_named_by(read_whole(file), message);
  if (line == 0) return message;
  return fmt::format("{}:{}: {}", file, line, message);
}

std::optional<int> parse_command_line(CLI::App& app, const CommandLine& args) {
  try {
    check_file_syntax(args);
    parse_into(app, args);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    std::cerr << located(args, error.what()) << "\n";
    return error.get_exit_code();
  } catch (const std::exception& error) {
    // A value an option's own function refused (parse_endpoint), or the syntax pre-check.
    std::cerr << located(args, error.what()) << "\n";
    return static_cast<int>(CLI::ExitCodes::ValidationError);
  }
  return std::nullopt;
}

ServerConfig reparse_command_line(const DeclareOptions& declare, const CommandLine& args) {
  ServerConfig config;
  CLI::App app;
  declare(app, config);
  try {
    check_file_syntax(args);
    parse_into(app, args);
    validate_server_config(config);
  } catch (const std::exception& error) {
    throw std::invalid_argument(located(args, error.what()));
  }
  return config;
}

}  // namespace netdisk::server
