#include "storage/safe_path.h"

#include <fmt/format.h>

#include "storage/atomic_file.h"

namespace netdisk::storage {
namespace {

Error invalid(std::string_view why) { return make_error(Errc::invalid_path, std::string(why)); }

// Length of the UTF-8 sequence starting at text[i], or 0 if it is not well-formed: no
// overlong forms, no surrogates (U+D800..DFFF), nothing above U+10FFFF (RFC 3629).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;  // allowed range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return length;
}

// Checks every byte of the name: no separators, control bytes or broken UTF-8.
Status validate_bytes(std::string_view name) {
  for (std::size_t i = 0; i < name.size();) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c == '/') return invalid("a name may not contain '/'");
    if (c == '\\') return invalid("a name may not contain a backslash");
    if (c == 0) return invalid("a name may not contain a NUL byte");
    if (c < 0x20 || c == 0x7f) return invalid("a name may not contain control characters");
    std::size_t length = utf8_sequence_length(name, i);
    if (length == 0) return invalid("a name must be valid UTF-8");
    i += length;
  }
  return {};
}

Result<std::vector<std::string>> split(std::string_view path) {
  if (path.size() > kMaxPathBytes) {
    return invalid(fmt::format("the path is longer than {} bytes", kMaxPathBytes));
  }
  if (path.front() == '/') return invalid("the path must be relative to your folder");
  std::vector<std::string> components;
  std::size_t start = 0;
  while (true) {
    std::size_t end = path.find('/', start);
    std::string_view name = path.substr(start, end == std::string_view::npos ? end : end - start);
    if (name.empty()) return invalid("the path has an empty component ('//' or a trailing '/')");
    if (auto ok = validate_name(name); !ok) return std::move(ok).error();
    components.emplace_back(name);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return components;
}

}  // namespace

bool is_reserved_name(std::string_view name) noexcept {
  return name.starts_with(kTempPrefix) || name.starts_with(kPartialPrefix) ||
         name.starts_with(kTrashFolder) || name.starts_with(kVersionsFolder);
}

Status validate_name(std::string_view name) {
  if (name.empty()) return invalid("a name may not be empty");
  if (name == "." || name == "..") return invalid("'.' and '..' are not allowed in paths");
  if (name.size() > kMaxNameBytes) {
    return invalid(fmt::format("a name is longer than {} bytes", kMaxNameBytes));
  }
  if (auto ok = validate_bytes(name); !ok) return ok;
  if (name.back() == '.' || name.back() == ' ') {
    return invalid("a name may not end with '.' or a space");
  }
  if (is_reserved_name(name)) {
    return invalid(fmt::format("names starting with '{}', '{}', '{}' or '{}' are reserved",
                               kTempPrefix, kPartialPrefix, kTrashFolder, kVersionsFolder));
  }
  return {};
}

Result<std::vector<std::string>> split_user_path(std::string_view path) {
  if (path.empty()) return invalid("the path is empty");
  return split(path);
}

Result<std::vector<std::string>> split_user_dir_path(std::string_view path) {
  if (path.empty()) return std::vector<std::string>{};
  return split(path);
}

std::string join_components(const std::vector<std::string>& components, std::size_t count) {
  if (count == 0) return ".";
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) out += '/';
    out += components[i];
  }
  return out;
}

}  // namespace netdisk::storage
