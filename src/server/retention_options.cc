#include "server/retention_options.h"

#include <string>

#include "common/duration_text.h"

namespace netdisk::server {
namespace {

// A duration option ("30d", "12h", "90s"); with `zero_is_none`, "0" too, meaning no limit.
void add_duration_option(CLI::App& app, const std::string& name, std::chrono::seconds& field,
                         bool zero_is_none, const std::string& help) {
  app.add_option_function<std::string>(
      name,
      [&field, name, zero_is_none](const std::string& text) {
        if (zero_is_none && text == "0") {
          field = std::chrono::seconds(0);
          return;
        }
        auto parsed = parse_duration(text);
        if (!parsed) throw CLI::ValidationError(name, "a duration such as 30d, 12h, 30m or 90s");
        field = *parsed;
      },
      help);
}

}  // namespace

void add_retention_options(CLI::App& app, ServerConfig& config) {
  add_duration_option(app, "--trash-retention", config.trash_retention, false,
                      "How long a removed file stays in its owner's trash before it is deleted "
                      "for good: 30d, 12h, 90s (default 30d)");
  app.add_option("--versions-kept", config.versions_kept,
                 "Earlier versions kept of each file when it is replaced; 0 keeps none "
                 "(default 10)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));
  add_duration_option(app, "--version-max-age", config.version_max_age, true,
                      "Earlier versions older than this are deleted: 90d, 12h; 0 for no age "
                      "limit (default 90d)");
}

storage::Retention retention_of(const ServerConfig& config, storage::WallClock clock) {
  storage::Retention retention;
  retention.versions_kept = config.versions_kept;
  retention.version_max_age = config.version_max_age;
  retention.clock = std::move(clock);
  return retention;
}

}  // namespace netdisk::server
