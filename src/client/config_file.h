// The client's own files between runs (saved logins, known servers): where they live and how
// they are written. They sit in $XDG_CONFIG_HOME/netdisk/ (or ~/.config/netdisk/), in a folder
// of mode 0700, each file of mode 0600 and replaced atomically (temp file, fsync, rename), so
// a crash leaves the old or the new file, never a torn one. Thread-safe; one writer process.
#pragma once

#include <filesystem>
#include <string>

namespace netdisk::client {

// The path of the client file `name` in the default location.
std::filesystem::path config_file(const std::string& name);

// Replaces `file` with `text` atomically, mode 0600. Throws std::runtime_error.
void write_private_file(const std::filesystem::path& file, const std::string& text);

// The contents of `file`, or "" when it does not exist or cannot be read.
std::string read_text_file(const std::filesystem::path& file);

}  // namespace netdisk::client
