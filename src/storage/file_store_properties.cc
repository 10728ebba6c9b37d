// FileStore's dead properties: the file or folder is opened under its NameLock and its
// property attribute (property_xattr.h) read or replaced.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include <fmt/format.h>

#include "storage/confined_open.h"
#include "storage/file_store.h"
#include "storage/name_lock.h"
#include "storage/property_xattr.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

// The folder holding the resource and its name in it ("." for the user's folder itself,
// whose own descriptor is then both).
struct Place {
  UniqueFd dir;
  std::string name;
};

Result<Place> place_of(int root, std::string_view path) {
  auto components = split_user_dir_path(path);
  if (!components) return std::move(components).error();
  if (components->empty()) {
    auto dir = open_directory_beneath(root, ".");
    if (!dir) return std::move(dir).error();
    return Place{std::move(*dir), "."};
  }
  auto dir = open_directory_beneath(root, join_components(*components, components->size() - 1));
  if (!dir) return std::move(dir).error();
  return Place{std::move(*dir), components->back()};
}

// The regular file or folder itself, for its attributes; anything else is invalid_path.
Result<UniqueFd> open_resource(const Place& place, std::string_view path) {
  auto fd = open_beneath(place.dir.get(), place.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  if (!fd && fd.error().code == Errc::not_found) {
    return make_error(Errc::not_found, fmt::format("'{}' does not exist", path));
  }
  if (!fd) return fd;
  struct ::stat st {};
  if (::fstat(fd->get(), &st) != 0) return error_from_errno(errno, "stat for properties");
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return make_error(Errc::invalid_path,
                      fmt::format("'{}' is not a regular file or folder", path));
  }
  return fd;
}

}  // namespace

Result<std::string> FileStore::read_properties(std::string_view path) const {
  auto place = place_of(root_.get(), path);
  if (!place) return std::move(place).error();
  auto fd = open_resource(*place, path);
  if (!fd) return std::move(fd).error();
  return read_property_xattr(fd->get());
}

Status FileStore::update_properties(std::string_view path, const PropertyUpdate& update) {
  auto place = place_of(root_.get(), path);
  if (!place) return std::move(place).error();
  NameLock lock(place->dir.get(), place->name);
  auto fd = open_resource(*place, path);
  if (!fd) return std::move(fd).error();
  auto current = read_property_xattr(fd->get());
  if (!current) return std::move(current).error();
  auto next = update(*current);
  if (!next) return std::move(next).error();
  if (*next == *current) return {};
  return write_property_xattr(fd->get(), *next);
}

}  // namespace netdisk::storage
