// The operation layer's two structural promises (docs/ARCHITECTURE.md, "The operation
// layer"), checked on the source tree: no file under src/server/ops/ includes a socket, Beast
// or HTTP header, and every operation name appears in src/server only in the one op table.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

// The tree checked: this build's sources, or NETDISK_CHECK_SOURCE_DIR (to show the checks
// failing on an older tree).
const fs::path kServer = [] {
  const char* other = std::getenv("NETDISK_CHECK_SOURCE_DIR");
  return fs::path(other != nullptr ? other : NETDISK_SOURCE_DIR) / "src" / "server";
}();

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> sources_under(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cc")) files.push_back(entry.path());
  }
  return files;
}

// Three op names also name something else: "checksum" is a reply field of the ops,
// "download" the file name Content-Disposition falls back to, and "chat.private" the event
// the chat room sends the receiver (docs/PROTOCOL.md, section 9).
bool also_a_plain_word(const std::string& name, const fs::path& file) {
  if (name == "chat.private") return file.stem() == "chat_room";
  if (name == "checksum") return file.parent_path().filename() == "ops";
  if (name == "download") return file.stem() == "content_disposition";
  if (name == "remove") return file.stem() == "proppatch_body";  // WebDAV's DAV:remove element
  if (name == "passwd") return file.stem() == "admin_user_cli";  // `netdiskd admin user passwd`
  return false;
}

TEST(OpsLayering, NoFileOfTheOperationLayerIncludesASocketOrHttpHeader) {
  auto files = sources_under(kServer / "ops");
  ASSERT_FALSE(files.empty()) << "src/server/ops/ is missing";
  const std::vector<std::string> forbidden = {"boost/asio/ip", "boost/beast", "server/http/",
                                              "server/connection.h", "server/stream_io.h",
                                              "server/outbox.h"};
  for (const auto& file : files) {
    auto text = read_all(file);
    for (const auto& header : forbidden) {
      EXPECT_EQ(text.find("#include <" + header), std::string::npos) << file << ": " << header;
      EXPECT_EQ(text.find("#include \"" + header), std::string::npos) << file << ": " << header;
    }
  }
}

TEST(OpsLayering, EveryOperationNameAppearsOnlyInTheOpTable) {
  const std::vector<std::string> names = {
      "hello",     "ping",      "register",     "login",       "logout",
      "whoami",    "list",      "stat",         "mkdir",       "remove",
      "rename",    "checksum",  "upload",       "upload.data", "download",
      "chat.join", "chat.send", "chat.private", "chat.who",    "chat.leave",
      "copy",      "move",      "props.get",    "props.patch", "passwd",
      "share.create", "share.list", "share.revoke", "chat.history"};
  const auto table = kServer / "ops" / "op_table.cc";
  ASSERT_TRUE(fs::exists(table));
  auto table_text = read_all(table);
  for (const auto& name : names) {
    std::string literal = "\"" + name + "\"";
    EXPECT_NE(table_text.find("OpInfo{" + literal), std::string::npos) << name << " has no row";
    for (const auto& file : sources_under(kServer)) {
      if (file == table || also_a_plain_word(name, file)) continue;
      EXPECT_EQ(read_all(file).find(literal), std::string::npos)
          << "the op name " << literal << " appears in " << file;
    }
  }
}

}  // namespace
