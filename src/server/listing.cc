#include "server/listing.h"

#include "common/time_format.h"
#include "protocol/encoded_fields.h"
#include "server/listing_json.h"
#include "server/storage_errors.h"

namespace netdisk::server {

nlohmann::json entry_json(const storage::DirEntry& entry) {
  return {{"name", entry.name},
          {"type", entry.is_directory ? "dir" : "file"},
          {"size", entry.size},
          {"mtime", format_utc_ns(entry.mtime_ns)}};
}

Result<ListPage> list_page(const storage::UserSpace& space, std::string_view dir,
                           std::string_view after) {
  // One entry more than a page tells whether another page follows.
  auto entries = space.list(dir, after, kListPage + 1);
  if (!entries) return wire_error(entries.error());
  ListPage page;
  page.more = entries->size() > kListPage;
  if (page.more) entries->resize(kListPage);
  page.entries = std::move(*entries);
  return page;
}

std::string list_fields_text(const ListPage& page) {
  std::string text;
  // Most entries take under 100 bytes; one reservation covers a typical page.
  text.reserve(32 + page.entries.size() * 100);
  text += "\"entries\":";
  append_entries_json(text, page.entries, page.versions);
  text += page.more ? ",\"more\":true" : ",\"more\":false";
  return text;
}

nlohmann::json frame_fields(ops::OpReply&& reply) {
  if (reply.listing) return protocol::encoded_fields(list_fields_text(*reply.listing));
  return std::move(reply.fields);
}

}  // namespace netdisk::server
