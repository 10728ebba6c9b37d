// The two ends a transfer moves file bytes between, besides the network stream: a ByteSource
// (a file being downloaded) and a ByteSink (an upload being received). Small interfaces so the
// transfer engine does not care what stores the bytes; FileSource and UploadTarget adapt the
// storage interface's OpenFile and UploadSink (storage/user_space.h) to them, mapping storage
// errors to the wire's (server/storage_errors.h). Each is used by one transfer at a time; the
// engine calls them on the blocking pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/result.h"

namespace netdisk::storage {
class OpenFile;
class UploadSink;
}

namespace netdisk::server::transfer {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills `into` with the bytes at `offset`, all of them: size_mismatch if the file ends first
  // (it shrank while being sent), io_error when reading fails.
  virtual Status read_exactly_at(std::uint64_t offset, std::span<std::byte> into) = 0;
  // A descriptor sendfile(2) may read, or -1 (then the engine sends buffered).
  virtual int native_fd() const { return -1; }
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends `bytes`. disk_full, io_error and the like end the transfer.
  virtual Status write(std::span<const std::byte> bytes) = 0;
};

// A file opened for reading (storage::OpenFile), with its native descriptor when the backend
// has one (sendfile). Does not own it.
class FileSource final : public ByteSource {
 public:
  explicit FileSource(storage::OpenFile& file) : file_(file) {}
  Status read_exactly_at(std::uint64_t offset, std::span<std::byte> into) override;
  int native_fd() const override;

 private:
  storage::OpenFile& file_;
};

// An upload in progress (storage::UploadSink). Does not own it.
class UploadTarget final : public ByteSink {
 public:
  explicit UploadTarget(storage::UploadSink& upload) : upload_(upload) {}
  Status write(std::span<const std::byte> bytes) override;

 private:
  storage::UploadSink& upload_;
};

}  // namespace netdisk::server::transfer
