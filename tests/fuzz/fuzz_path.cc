// fuzz_path: the input is a path as a client would send it. split_user_path(),
// split_user_dir_path() and validate_name() run on it (and validate_name() on each piece
// between slashes), and their verdicts are compared with the rules of docs/PROTOCOL.md
// section 7, written out again here without looking at src/storage/safe_path.cc:
// whatever is accepted has no '/', '\\', NUL or control byte in a name, no '.' or '..' or empty
// component, is valid UTF-8, names of at most 255 bytes not ending in '.' or ' ', a path of at
// most 4096 bytes, no reserved prefix; the components joined with '/' give back the input. In
// the other direction, a path that follows every rule must be accepted.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "storage/safe_path.h"
#include "utf8_check.h"

namespace {

using netdisk::Errc;
namespace storage = netdisk::storage;

// The implementation's reserved prefixes (atomic_file.h kTempPrefix, safe_path.h
// kPartialPrefix, kTrashFolder, kVersionsFolder) spelled out literally. NB: docs/PROTOCOL.md
// section 7 says every name starting with ".netdisk-" is refused, which is broader; see
// tests/fuzz/README.md.
constexpr std::string_view kReservedPrefixes[] = {".netdisk-tmp.", ".netdisk-part.",
                                                  ".netdisk-trash", ".netdisk-versions"};

bool name_follows_rules(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  if (name == "." || name == "..") return false;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) return false;
  }
  if (!netdisk::fuzz::is_valid_utf8(name)) return false;
  if (name.back() == '.' || name.back() == ' ') return false;
  for (auto prefix : kReservedPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return false;
  }
  return true;
}

std::vector<std::string_view> pieces(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      out.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool path_follows_rules(std::string_view path) {
  if (path.empty() || path.size() > 4096) return false;
  for (auto piece : pieces(path)) {
    if (!name_follows_rules(piece)) return false;  // also rejects a leading '/' (empty piece)
  }
  return true;
}

void check_accepted(std::string_view path, const std::vector<std::string>& components) {
  FUZZ_CHECK(path.size() <= 4096);
  FUZZ_CHECK(path.empty() || path.front() != '/');
  std::string joined;
  for (const auto& name : components) {
    FUZZ_CHECK(!name.empty() && name.size() <= 255);
    FUZZ_CHECK(name != "." && name != "..");
    for (char ch : name) {
      auto c = static_cast<unsigned char>(ch);
      FUZZ_CHECK(c != '/' && c != '\\' && c != 0 && c >= 0x20 && c != 0x7f);
    }
    FUZZ_CHECK(netdisk::fuzz::is_valid_utf8(name));
    FUZZ_CHECK(name.back() != '.' && name.back() != ' ');
    FUZZ_CHECK(name_follows_rules(name));
    if (!joined.empty()) joined += '/';
    joined += name;
  }
  FUZZ_CHECK(joined == path);  // nothing dropped, added or normalised away
  FUZZ_CHECK(storage::join_components(components) == (components.empty() ? "." : joined));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view path(reinterpret_cast<const char*>(data), size);
  bool valid = path_follows_rules(path);

  auto file_path = storage::split_user_path(path);
  FUZZ_CHECK(file_path.ok() == valid);
  if (file_path) check_accepted(path, *file_path);
  else FUZZ_CHECK(file_path.error().code == Errc::invalid_path && !file_path.error().message.empty());

  auto dir_path = storage::split_user_dir_path(path);
  FUZZ_CHECK(dir_path.ok() == (path.empty() || valid));
  if (dir_path) check_accepted(path, *dir_path);
  if (path.empty()) FUZZ_CHECK(dir_path && dir_path->empty());
  if (file_path && dir_path) FUZZ_CHECK(*file_path == *dir_path);

  auto name = storage::validate_name(path);
  FUZZ_CHECK(name.ok() == name_follows_rules(path));
  if (name) FUZZ_CHECK(storage::split_user_path(path) && !storage::is_reserved_name(path));
  if (!name) FUZZ_CHECK(name.error().code == Errc::invalid_path);
  for (auto piece : pieces(path)) {
    FUZZ_CHECK(storage::validate_name(piece).ok() == name_follows_rules(piece));
  }
  return 0;
}
