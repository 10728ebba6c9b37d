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

 private:
  std::string failure_;
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
};

// Parses the XML in `entry` into `handler`. io_error for a read failure, malformed XML, a
// DOCTYPE, or a failure the handler reported; the message names the entry.
Status parse_zip_entry(ZipReader& zip, std::string_view entry, std::size_t max_bytes,
                       XmlHandler& handler);

}  // namespace netdisk::storage
