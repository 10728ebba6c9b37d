// The low-level half of workbook_reader: a zip archive opened with minizip, and a streaming
// expat parse of one of its entries into an XmlHandler. Entry sizes are capped while reading
// (not trusted from the zip header), and DTDs are refused, so entity tricks cannot expand.
// A ZipReader belongs to one thread at a time; handlers are per parse.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "common/result.h"

namespace netdisk::storage {

struct ZipMemorySource;

// The attributes of one element, looked up by local name (the part after any namespace).
class XmlAttributes {
 public:
  explicit XmlAttributes(const char** attrs) : attrs_(attrs) {}
  std::optional<std::string_view> get(std::string_view local_name) const;

 private:
  const char** attrs_;
};

// Receives a parse's events; element names are local names ("sheet", not "main|sheet").
// A handler calls fail() to stop the parse; the first message wins.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view /*name*/, const XmlAttributes& /*attrs*/) {}
  virtual void end(std::string_view /*name*/) {}
  virtual void text(std::string_view /*chars*/) {}

  void fail(std::string what) {
    if (failure_.empty()) failure_ = std::move(what);
  }
  const std::string& failure() const noexcept { return failure_; }

  // Where the event being handled sits in the document: its first byte and its length (0 for
  // the end of an empty element such as <c/>, whose bytes its start event covers).
  std::size_t event_offset() const noexcept { return event_offset_; }
  std::size_t event_length() const noexcept { return event_length_; }
  void set_event_position(std::size_t offset, std::size_t length) noexcept {
    event_offset_ = offset;
    event_length_ = length;
  }

 private:
  std::string failure_;
  std::size_t event_offset_ = 0;
  std::size_t event_length_ = 0;
};

// A zip archive read whole into memory (at most kMaxArchiveBytes) with its central directory
// indexed once, so looking an entry up costs one map search whatever the archive holds.
class ZipReader {
 public:
  static constexpr std::size_t kMaxArchiveBytes = std::size_t{256} << 20;

  // io_error "not a zip archive" when minizip cannot read the central directory, or when the
  // file is larger than kMaxArchiveBytes or unreadable.
  static Result<ZipReader> open(const std::filesystem::path& path);

  ZipReader(ZipReader&&) noexcept;
  ZipReader& operator=(ZipReader&&) noexcept;
  ~ZipReader();

  bool contains(std::string_view entry) const;
  // Every entry's name, in the order of the central directory.
  const std::vector<std::string>& names() const noexcept { return order_; }

  // Streams the uncompressed bytes of `entry` to `sink` in chunks. Fails (io_error, message
  // naming the entry) when it is missing, larger than `max_bytes`, or fails its CRC check.
  Status read(std::string_view entry, std::size_t max_bytes,
              const std::function<Status(std::string_view)>& sink);

 private:
  struct Closer {
    void operator()(void* zip) const noexcept;
  };
  // Where an entry's record sits in the central directory (minizip's unz64_file_pos).
  using EntryPosition = std::pair<std::uint64_t, std::uint64_t>;

  ZipReader();
  Status index_entries();

  std::unique_ptr<ZipMemorySource> source_;  // outlives zip_, which reads from it
  std::unique_ptr<void, Closer> zip_;
  std::map<std::string, EntryPosition, std::less<>> entries_;  // first entry of each name
  std::vector<std::string> order_;                             // entries_' names, in order
};

// Parses the XML in `entry` into `handler`. io_error for a read failure, malformed XML, a
// DOCTYPE, or a failure the handler reported; the message names the entry.
Status parse_zip_entry(ZipReader& zip, std::string_view entry, std::size_t max_bytes,
                       XmlHandler& handler);

// Parses the XML document `xml` into `handler`, with the same rules; `what` names it in errors.
Status parse_xml_text(std::string_view xml, std::string_view what, XmlHandler& handler);

}  // namespace netdisk::storage
