#include "server/listing.h"

#include "common/time_format.h"
#include "server/storage_errors.h"

namespace netdisk::server {

nlohmann::json entry_json(const storage::DirEntry& entry) {
  return {{"name", entry.name},
          {"type", entry.is_directory ? "dir" : "file"},
          {"size", entry.size},
          {"mtime", format_utc_ns(entry.mtime_ns)}};
}

Result<ListPage> list_page(const storage::UserSpace& space, std::string_view dir,
                           std::string_view after, bool versions) {
  // One entry more than a page tells whether another page follows.
  auto entries = space.list(dir, after, kListPage + 1);
  if (!entries) return wire_error(entries.error());
  ListPage page;
  page.more = entries->size() > kListPage;
  if (page.more) entries->resize(kListPage);
  page.entries = nlohmann::json::array();
  for (const auto& entry : *entries) {
    page.entries.push_back(entry_json(entry));
    if (versions && !entry.is_directory) page.entries.back()["version"] = entry.version;
  }
  return page;
}

}  // namespace netdisk::server
