#include "storage/xlsx_xml.h"

#include <expat.h>
#include <unzip.h>

#include <cstring>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "storage/zip_memory_source.h"

namespace netdisk::storage {
namespace {

constexpr char kNamespaceSeparator = '|';
constexpr std::size_t kChunkBytes = 64 * 1024;

std::string_view local_name(const char* name) {
  std::string_view full(name);
  auto bar = full.rfind(kNamespaceSeparator);
  return bar == std::string_view::npos ? full : full.substr(bar + 1);
}

Error damaged(std::string message) { return make_error(Errc::io_error, std::move(message)); }

struct ParseContext {
  XML_Parser parser;
  XmlHandler* handler;
};

void stop_if_failed(ParseContext& context) {
  if (!context.handler->failure().empty()) XML_StopParser(context.parser, XML_FALSE);
}

void note_position(ParseContext& context) {
  auto offset = XML_GetCurrentByteIndex(context.parser);
  auto length = XML_GetCurrentByteCount(context.parser);
  context.handler->set_event_position(static_cast<std::size_t>(offset < 0 ? 0 : offset),
                                      static_cast<std::size_t>(length < 0 ? 0 : length));
}

void on_start(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto& context = *static_cast<ParseContext*>(data);
  note_position(context);
  context.handler->start(local_name(name), XmlAttributes(attrs));
  stop_if_failed(context);
}

void on_end(void* data, const XML_Char* name) {
  auto& context = *static_cast<ParseContext*>(data);
  note_position(context);
  context.handler->end(local_name(name));
  stop_if_failed(context);
}

void on_text(void* data, const XML_Char* chars, int length) {
  auto& context = *static_cast<ParseContext*>(data);
  context.handler->text(std::string_view(chars, static_cast<std::size_t>(length)));
  stop_if_failed(context);
}

// Workbooks never need a DTD; refusing it outright rules out entity expansion attacks.
void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto& context = *static_cast<ParseContext*>(data);
  context.handler->fail("a DOCTYPE is not allowed");
  stop_if_failed(context);
}

struct ParserFree {
  void operator()(XML_Parser parser) const noexcept { XML_ParserFree(parser); }
};

}  // namespace

std::optional<std::string_view> XmlAttributes::get(std::string_view name) const {
  for (const char** at = attrs_; at != nullptr && at[0] != nullptr; at += 2) {
    if (local_name(at[0]) == name) return std::string_view(at[1]);
  }
  return std::nullopt;
}

void ZipReader::Closer::operator()(void* zip) const noexcept { unzClose(zip); }

ZipReader::ZipReader() = default;
ZipReader::ZipReader(ZipReader&&) noexcept = default;
ZipReader& ZipReader::operator=(ZipReader&&) noexcept = default;
ZipReader::~ZipReader() = default;

Result<ZipReader> ZipReader::open(const std::filesystem::path& path) {
  ZipReader reader;
  reader.source_ = std::make_unique<ZipMemorySource>();
  {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) return damaged("cannot be opened for reading");
    auto size = static_cast<std::streamoff>(file.tellg());
    if (size < 0) return damaged("cannot be read");
    if (static_cast<std::uint64_t>(size) > kMaxArchiveBytes) {
      return damaged(fmt::format("larger than {} MiB", kMaxArchiveBytes >> 20));
    }
    reader.source_->bytes.resize(static_cast<std::size_t>(size));
    file.seekg(0);
    if (!file.read(reader.source_->bytes.data(), size)) return damaged("cannot be read");
  }
  auto functions = reader.source_->functions();
  reader.zip_.reset(unzOpen2_64(reader.source_.get(), &functions));
  if (!reader.zip_) return damaged("not a zip archive (or a truncated one)");
  if (auto indexed = reader.index_entries(); !indexed) return std::move(indexed).error();
  return reader;
}

// One pass over the central directory. Its entry count and sizes are bounded by the archive
// (each record takes at least 46 bytes), so this is linear in the file size.
Status ZipReader::index_entries() {
  char name[1024];
  for (int at = unzGoToFirstFile(zip_.get()); at == UNZ_OK; at = unzGoToNextFile(zip_.get())) {
    unz_file_info64 info{};
    if (unzGetCurrentFileInfo64(zip_.get(), &info, name, sizeof name, nullptr, 0, nullptr, 0) !=
        UNZ_OK) {
      return damaged("unreadable central directory");
    }
    unz64_file_pos position{};
    if (unzGetFilePos64(zip_.get(), &position) != UNZ_OK) {
      return damaged("unreadable central directory");
    }
    // A name longer than the buffer is cut short by minizip; no workbook part is that long,
    // and a cut name can only fail to match.
    auto [entry, added] =
        entries_.try_emplace(std::string(name, ::strnlen(name, sizeof name)),
                             EntryPosition{position.pos_in_zip_directory, position.num_of_file});
    if (added) order_.push_back(entry->first);
  }
  return {};
}

bool ZipReader::contains(std::string_view entry) const { return entries_.contains(entry); }

Status ZipReader::read(std::string_view entry, std::size_t max_bytes,
                       const std::function<Status(std::string_view)>& sink) {
  auto found = entries_.find(entry);
  if (found == entries_.end()) return damaged(fmt::format("{} is missing", entry));
  unz64_file_pos position{found->second.first, found->second.second};
  if (unzGoToFilePos64(zip_.get(), &position) != UNZ_OK) {
    return damaged(fmt::format("{} is missing", entry));
  }
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(zip_.get(), &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
    return damaged(fmt::format("{}: unreadable zip entry", entry));
  }
  auto too_big = [&] {
    return damaged(fmt::format("{} is larger than {} MiB", entry, max_bytes >> 20));
  };
  if (info.uncompressed_size > max_bytes) return too_big();
  if (unzOpenCurrentFile(zip_.get()) != UNZ_OK) {
    return damaged(fmt::format("{}: cannot open zip entry", entry));
  }
  // The header's size may lie; count what actually comes out of the decompressor.
  std::vector<char> buffer(kChunkBytes);
  std::size_t total = 0;
  Status status;
  for (;;) {
    int got = unzReadCurrentFile(zip_.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
    if (got < 0) {
      status = damaged(fmt::format("{}: cannot decompress (error {})", entry, got));
      break;
    }
    if (got == 0) break;
    total += static_cast<std::size_t>(got);
    if (total > max_bytes) {
      status = too_big();
      break;
    }
    status = sink(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    if (!status) break;
  }
  int closed = unzCloseCurrentFile(zip_.get());  // checks the CRC once the entry was read fully
  if (status && closed != UNZ_OK) {
    return damaged(fmt::format("{}: checksum mismatch (truncated or corrupt)", entry));
  }
  return status;
}

namespace {

using ParserPtr = std::unique_ptr<XML_ParserStruct, ParserFree>;

ParserPtr make_parser(ParseContext& context) {
  ParserPtr parser(XML_ParserCreateNS(nullptr, kNamespaceSeparator));
  if (!parser) return parser;
  context.parser = parser.get();
  XML_SetUserData(parser.get(), &context);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  return parser;
}

Error parse_failure(XML_Parser parser, std::string_view what, const XmlHandler& handler) {
  if (!handler.failure().empty()) return damaged(fmt::format("{}: {}", what, handler.failure()));
  return damaged(fmt::format("{}: bad XML at line {}: {}", what, XML_GetCurrentLineNumber(parser),
                             XML_ErrorString(XML_GetErrorCode(parser))));
}

}  // namespace

Status parse_xml_text(std::string_view xml, std::string_view what, XmlHandler& handler) {
  ParseContext context{nullptr, &handler};
  auto parser = make_parser(context);
  if (!parser) return make_error(Errc::internal_error, "out of memory creating an XML parser");
  // One call with the whole text, so byte offsets are offsets into `xml`.
  if (xml.size() > static_cast<std::size_t>(INT32_MAX) ||
      XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) !=
          XML_STATUS_OK) {
    return parse_failure(parser.get(), what, handler);
  }
  return {};
}

Status parse_zip_entry(ZipReader& zip, std::string_view entry, std::size_t max_bytes,
                       XmlHandler& handler) {
  ParseContext context{nullptr, &handler};
  auto parser = make_parser(context);
  if (!parser) return make_error(Errc::internal_error, "out of memory creating an XML parser");

  auto failed = [&] { return parse_failure(parser.get(), entry, handler); };
  auto fed = zip.read(entry, max_bytes, [&](std::string_view chunk) -> Status {
    if (XML_Parse(parser.get(), chunk.data(), static_cast<int>(chunk.size()), XML_FALSE) !=
        XML_STATUS_OK) {
      return failed();
    }
    return {};
  });
  if (!fed) return fed;
  if (XML_Parse(parser.get(), nullptr, 0, XML_TRUE) != XML_STATUS_OK) return failed();
  return {};
}

}  // namespace netdisk::storage
