// Error and Result<T>: how NetDisk's libraries report expected failures without exceptions.
// An Error carries a stable Errc (sent on the wire as-is) and a human message for the user.
// Result<T> holds either a T or an Error; Status is Result<void>. Plain values, no threads.
// BasicResult<T, E> is the same with another error type: the storage interface reports its
// own vocabulary (storage/storage_error.h), which the server maps to Errc.
// (std::expected would do, but it is C++23 and clang 14 cannot use libstdc++'s version.)
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "common/errc.h"

namespace netdisk {

struct Error {
  Errc code = Errc::internal_error;
  std::string message;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// Maps an errno value from a failed system call to an Error: ENOSPC and EDQUOT become disk_full,
// ENOENT not_found, and so on. `what` names the operation for the message ("write upload").
Error error_from_errno(int errnum, std::string_view what);

// What an empty BasicResult holds: E{} for other error types.
template <typename E>
E default_failure() { return E{}; }
template <>
inline Error default_failure<Error>() { return Error{Errc::internal_error, "no result"}; }

template <typename T, typename E = Error>
class [[nodiscard]] BasicResult {
 public:
  // An empty result is a failure (internal_error for Error); it exists because some awaitable
  // machinery needs a default-constructible type.
  BasicResult() : BasicResult(default_failure<E>()) {}
  BasicResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  BasicResult(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { assert(!ok()); return std::get<1>(state_); }
  E&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, E> state_;
};

template <typename E>
class [[nodiscard]] BasicResult<void, E> {
 public:
  BasicResult() = default;
  BasicResult(E error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const E& error() const& { assert(!ok()); return error_; }
  E&& error() && { assert(!ok()); return std::move(error_); }

 private:
  E error_;
  bool failed_ = false;
};

template <typename T>
using Result = BasicResult<T, Error>;
using Status = Result<void>;

}  // namespace netdisk
