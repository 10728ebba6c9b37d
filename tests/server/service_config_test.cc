// The service slice's pure parts (issue #21): the --log-level syntax, the line finder and
// syntax pre-check of --config files, the live and restart lists of a reload, LiveSettings,
// and the log file sink's reopen after a rename. No sockets, no server.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <spdlog/logger.h>
#include <spdlog/spdlog.h>

#include "server/logging/component_log.h"
#include "server/logging/log_levels.h"
#include "server/logging/reopenable_file_sink.h"
#include "server/service/config_lines.h"
#include "server/service/live_settings.h"

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(LogLevels, ABareLevelSetsEveryComponent) {
  auto levels = parse_log_levels("debug");
  EXPECT_EQ(levels.base, spdlog::level::debug);
  EXPECT_EQ(levels.level_of("http"), spdlog::level::debug);
  EXPECT_EQ(levels.level_of("op"), spdlog::level::debug);
}

TEST(LogLevels, ComponentOverridesApplyOnlyToTheirComponentAndTheLastOneWins) {
  auto levels = parse_log_levels("info, op=warn,http=debug,op=error");
  EXPECT_EQ(levels.base, spdlog::level::info);
  EXPECT_EQ(levels.level_of("http"), spdlog::level::debug);
  EXPECT_EQ(levels.level_of("op"), spdlog::level::err);
  EXPECT_EQ(levels.level_of("tcp"), spdlog::level::info);
}

TEST(LogLevels, UnknownNamesAndMalformedItemsAreRefusedByName) {
  auto refused = [](const char* text, const char* expected) {
    try {
      parse_log_levels(text);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what()).find(expected) != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(refused("loud", "unknown level 'loud'"));
  EXPECT_TRUE(refused("info,disk=debug", "unknown component 'disk'"));
  EXPECT_TRUE(refused("info,http=", "unknown level ''"));
  EXPECT_TRUE(refused("info,warn", "must be COMPONENT=LEVEL"));
  EXPECT_TRUE(refused("info,,op=warn", "empty item"));
  EXPECT_TRUE(refused("", "empty item"));
}

TEST(ComponentLoggers, EveryComponentIsRegisteredSharesOneSinkAndTakesItsOwnLevel) {
  auto folder = fs::temp_directory_path() / ("netdisk-loggers-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  start_logging(folder / "server.log");
  apply_log_levels(parse_log_levels("warn,op=debug,http=off"));
  for (auto name : kLogComponents) {
    auto logger = spdlog::get(std::string(name));
    ASSERT_NE(logger, nullptr) << name;
    auto expected = name == "op" ? spdlog::level::debug
                    : name == "http" ? spdlog::level::off
                                     : spdlog::level::warn;
    EXPECT_EQ(logger->level(), expected) << name;
  }
  EXPECT_EQ(spdlog::default_logger()->name(), "server");
  EXPECT_EQ(&log_of(LogComponent::op), spdlog::get("op").get());
  log_of(LogComponent::op).debug("an op line");
  log_of(LogComponent::http).error("never shown");
  log_of(LogComponent::tcp).info("below warn");
  log_of(LogComponent::chat).warn("a chat warning");
  auto text = contents(folder / "server.log");
  EXPECT_NE(text.find(" debug [op] an op line"), std::string::npos) << text;
  EXPECT_NE(text.find(" warning [chat] a chat warning"), std::string::npos) << text;
  EXPECT_EQ(text.find("never shown"), std::string::npos) << text;
  EXPECT_EQ(text.find("below warn"), std::string::npos) << text;
  // A reload's new levels apply in place, to the same loggers.
  apply_log_levels(parse_log_levels("info"));
  EXPECT_EQ(spdlog::get("http")->level(), spdlog::level::info);
  start_logging({});  // back to stderr, so nothing else in this binary writes to the folder
  fs::remove_all(folder);
}

TEST(ConfigLines, TheSyntaxCheckNamesTheFirstLineThatIsNoSetting) {
  EXPECT_FALSE(check_config_syntax("# c\n\n[tls]\nkey = 1\nother=\"x\"\n  spaced = 2  \n"));
  auto missing_equals = check_config_syntax("a = 1\n# c\nmax-connections 100\nb = 2\n");
  ASSERT_TRUE(missing_equals);
  EXPECT_EQ(missing_equals->line, 3u);
  auto missing_value = check_config_syntax("a = 1\nb =\n");
  ASSERT_TRUE(missing_value);
  EXPECT_EQ(missing_value->line, 2u);
  auto bad_key = check_config_syntax("a b = 1\n");
  ASSERT_TRUE(bad_key);
  EXPECT_EQ(bad_key->line, 1u);
  auto bad_section = check_config_syntax("a = 1\n[open\n");
  ASSERT_TRUE(bad_section);
  EXPECT_EQ(bad_section->line, 2u);
}

TEST(ConfigLines, AKeyIsFoundInEitherSpellingAndUnderItsSection) {
  std::string text = "# top\nmax_connections=5\n\nlisten = \"1.2.3.4:5\"\n[tls]\ncert = \"x\"\n";
  EXPECT_EQ(find_config_key(text, "max-connections"), 2u);
  EXPECT_EQ(find_config_key(text, "listen"), 4u);
  EXPECT_EQ(find_config_key(text, "tls.cert"), 6u);
  EXPECT_EQ(find_config_key(text, "cert"), 0u);
  EXPECT_EQ(find_config_key(text, "data"), 0u);
  EXPECT_EQ(find_config_value(text, "1.2.3.4:5"), 4u);
  EXPECT_EQ(find_config_value(text, "5"), 2u);
  EXPECT_EQ(find_config_value(text, "nowhere"), 0u);
}

TEST(ReloadLists, EachChangedOptionIsListedAsLiveOrAsNeedingARestart) {
  ServerConfig running;
  ServerConfig wanted = running;
  EXPECT_TRUE(live_changes(running, wanted).empty());
  EXPECT_TRUE(restart_changes(running, wanted).empty());
  wanted.max_connections = 7;
  wanted.log_level = "debug";
  wanted.default_quota = 1024;
  wanted.listen.port = 9;
  wanted.data_dir = "elsewhere";
  wanted.tls_cert_file = "cert.pem";
  EXPECT_EQ(live_changes(running, wanted),
            (std::vector<std::string>{"--log-level", "--max-connections", "--default-quota"}));
  EXPECT_EQ(restart_changes(running, wanted),
            (std::vector<std::string>{"--listen", "--data", "--tls-cert"}));
}

TEST(LiveSettings, ApplyReplacesEveryValueAndNoneIsNoQuota) {
  ServerConfig config;
  LiveSettings live(config);
  EXPECT_EQ(live.max_connections(), config.max_connections);
  EXPECT_FALSE(live.default_quota());
  config.max_connections = 3;
  config.idle_timeout = std::chrono::seconds(42);
  config.http_body_timeout = std::chrono::seconds(43);
  config.min_stream_rate = 0;
  config.default_quota = 5000;
  config.quota_drops_versions = true;
  config.trash_retention = std::chrono::seconds(60);
  live.apply(config);
  EXPECT_EQ(live.max_connections(), 3u);
  EXPECT_EQ(live.idle_timeout(), std::chrono::seconds(42));
  EXPECT_EQ(live.http_body_timeout(), std::chrono::seconds(43));
  EXPECT_EQ(live.min_stream_rate(), 0u);
  EXPECT_EQ(live.default_quota(), std::optional<std::uint64_t>(5000));
  EXPECT_TRUE(live.quota_drops_versions());
  EXPECT_EQ(live.trash_retention(), std::chrono::seconds(60));
  config.default_quota.reset();
  live.apply(config);
  EXPECT_FALSE(live.default_quota());
}

TEST(ReopenableFileSink, AfterARenameReopenWritesToANewFileAtTheOldName) {
  auto folder = fs::temp_directory_path() / ("netdisk-sink-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  auto path = folder / "server.log";
  auto sink = std::make_shared<ReopenableFileSink>(path);
  spdlog::logger logger("test", sink);
  logger.info("before the rotation");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
  fs::rename(path, folder / "server.log.1");
  logger.info("still the old file");
  EXPECT_EQ(sink->reopen(), "");
  logger.info("after the reopen");
  EXPECT_NE(contents(folder / "server.log.1").find("still the old file"), std::string::npos);
  EXPECT_EQ(contents(folder / "server.log.1").find("after the reopen"), std::string::npos);
  EXPECT_NE(contents(path).find("after the reopen"), std::string::npos);
  // A name that cannot be opened any more: the sink says why and keeps the open file.
  fs::remove_all(folder);
  EXPECT_NE(sink->reopen(), "");
  logger.info("into the unlinked file");  // no crash, no throw
}

TEST(ReopenableFileSink, AFileThatCannotBeOpenedIsAStartUpErrorNamingIt) {
  try {
    ReopenableFileSink sink("/nonexistent-folder/server.log");
    FAIL() << "opened a file in a folder that does not exist";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent-folder/server.log"), std::string::npos);
  }
}

}  // namespace
}  // namespace netdisk::server
