#include "server/service/service_options.h"

#include <stdexcept>
#include <string>

#include "server/logging/log_levels.h"

namespace netdisk::server {

void add_service_options(CLI::App& app, ServerConfig& config) {
  app.add_flag("--check-config", config.check_config,
               "Check the configuration (--config FILE and the flags) as a start would, print "
               "'configuration OK' and exit 0, or print what is wrong (FILE:LINE) and exit 1; "
               "binds and writes nothing");
  app.add_option("--log-file", config.log_file,
                 "Append the log to this file (created 0640) instead of stderr; SIGHUP reopens "
                 "it, for logrotate")
      ->type_name("FILE");
}

CLI::Validator log_levels_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          parse_log_levels(text);
        } catch (const std::invalid_argument& error) {
          // CLI11 puts the option's name in front itself.
          std::string message = error.what();
          const std::string prefix = "--log-level: ";
          if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
          return message;
        }
        return {};
      },
      "LEVEL[,COMPONENT=LEVEL]...");
}

}  // namespace netdisk::server
