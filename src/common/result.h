// Error and Result<T>: how NetDisk's libraries report expected failures without exceptions.
// An Error carries a stable Errc (sent on the wire as-is) and a human message for the user.
// Result<T> holds either a T or an Error; Status is Result<void>. Plain values, no threads.
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

template <typename T>
class [[nodiscard]] Result {
 public:
  // An empty Result is an internal_error; it exists because some awaitable machinery needs a
  // default-constructible type.
  Result() : Result(Error{Errc::internal_error, "no result"}) {}
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

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

  const Error& error() const& { assert(!ok()); return std::get<1>(state_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& { assert(!ok()); return error_; }
  Error&& error() && { assert(!ok()); return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace netdisk
