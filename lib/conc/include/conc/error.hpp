// conc::Error — Go's `error` value: nil or a message with an identity.
//
//   conc::Error not_found("not found");            // errors.New("not found")
//   conc::Error err = conc::wrap(not_found, "SBG"); // fmt.Errorf("SBG: %w", not_found)
//   if (conc::is(err, not_found)) { ... }           // errors.Is(err, not_found)
//   fmt::print("{}\n", err);                        // "SBG: not found"
//
// An Error is a cheap, immutable handle (a shared pointer): copying it keeps its identity, so two
// errors compare equal exactly when they come from the same construction, as Go compares the
// pointers that errors.New returns. Thread-safe: any number of threads may copy, compare and read
// the same Error.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace conc {

class Error {
 public:
  // The nil error: converts to false, message() is "".
  Error() noexcept = default;

  // A new, non-nil error with its own identity (errors.New). Never throws but for std::bad_alloc.
  explicit Error(std::string message);

  // True when non-nil (Go: err != nil).
  explicit operator bool() const noexcept { return node_ != nullptr; }

  // The full message, wrapped contexts included; "" for nil.
  std::string message() const;

  // Identity: true when both are nil or both come from the same construction (or wrap call).
  friend bool operator==(const Error& a, const Error& b) noexcept { return a.node_ == b.node_; }

 private:
  struct Node;
  explicit Error(std::shared_ptr<const Node> node) noexcept : node_(std::move(node)) {}
  friend Error wrap(const Error& cause, std::string context);
  friend bool is(const Error& err, const Error& target);
  friend void PrintTo(const Error& err, std::ostream* os);

  std::shared_ptr<const Node> node_;
};

// fmt.Errorf("context: %w", cause): a new error (new identity) whose message is
// "context: <cause's message>" and whose chain contains cause. Wrapping nil gives a non-nil error
// whose message ends in "<nil>", as Go's does: a dropped error is never turned into success.
Error wrap(const Error& cause, std::string context);

// errors.Is: true when err or any error it wraps has target's identity. is(nil, nil) is true;
// is(err, nil) is false for a non-nil err.
bool is(const Error& err, const Error& target);

// Prints message() (or "<nil>") and the identity, for GoogleTest's failure messages: two
// errors with one message can still differ.
void PrintTo(const Error& err, std::ostream* os);

// The context package's errors: what Context::err() returns once a context is done.
extern const Error Canceled;          // "context canceled"
extern const Error DeadlineExceeded;  // "context deadline exceeded"

}  // namespace conc

// Formats message(), or "<nil>" for the nil error, as Go's %v does.
template <>
struct fmt::formatter<conc::Error> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const conc::Error& err, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(err ? err.message() : std::string("<nil>"), ctx);
  }
};
