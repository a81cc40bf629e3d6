// conc::log — Go's log/slog, printed as slog's default handler prints it, on top of spdlog.
//
//   conc::log::info("starting find", "datacenter", "BHS");
//   // 2024/06/29 22:16:58 INFO starting find datacenter=BHS
//
//   conc::log::error("find failed", "datacenter", dc, "err", err, "after", 150ms);
//   // 2024/06/29 22:16:58 ERROR find failed datacenter=BHS err="something went wrong" after=150ms
//
// Go: slog.Info(msg, args...), with the handler slog.Default() has before anyone replaces it.
// The arguments after the message alternate key, value, as slog's do. The line is the local wall
// time (system_clock, as Go's log.LstdFlags), the level word, the message as given, then
// " key=value" per pair. Keys and values are printed as slog's text handler prints them:
//   - strings as they are, or quoted and escaped like Go's strconv.Quote when empty or when they
//     contain a space, '=', '"', a control character or invalid UTF-8: msg="hello world";
//   - bool as true/false; integers in decimal; floating point as Go's %g ("1.5", "1e+06");
//   - std::chrono durations as Go's time.Duration prints ("100ms", "1.5s", "2m0s", "75µs");
//   - conc::Error by its message, "<nil>" for nil; anything else through fmt::formatter.
// A value with no key (an odd argument count) prints as !BADKEY=value; so does an argument in a
// key's place that is not a string. Both are what slog does.
//
// Thread-safe: any thread may log at any time. Each line is written whole; lines of concurrent
// calls never interleave and appear in the order the calls took the log's internal lock.
// Records below the level (Info by default) are dropped before their values are formatted.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <ratio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "conc/error.hpp"

namespace conc::log {

// A record's severity, with slog's values: Debug < Info < Warn < Error.
enum class Level : int { Debug = -4, Info = 0, Warn = 4, Error = 8 };

// The level word: "DEBUG", "INFO", "WARN", "ERROR"; a level between two of them prints as Go's
// does, relative to the one below ("INFO+2"). Never throws but for std::bad_alloc.
std::string to_string(Level level);

// Sets the lowest level that is printed (and captured); Info until changed. Never blocks, never
// throws. Calls already past their level check still print.
void set_level(Level level) noexcept;

// The current lowest printed level. Never blocks, never throws.
Level level() noexcept;

// True when a record at `level` would be printed now. Never blocks, never throws.
bool enabled(Level level) noexcept;

// Sends the lines to *out from now on; nullptr sends them back to stderr (the default). Blocks
// while another thread is writing a line. Once it returns, no line goes to the previous stream,
// so that stream may be destroyed; *out must outlive its use. Never throws but for
// std::bad_alloc. A live conc::testing::LogCapture takes precedence over any output.
void set_output(std::ostream* out);

// One key=value pair of a record, as printed: quoted and escaped where the value needs it.
struct Attr {
  std::string key;
  std::string value;
  friend bool operator==(const Attr&, const Attr&) = default;
};

namespace detail {

std::string quote_if_needed(std::string_view s);    // slog's text rule, then strconv.Quote
std::string float_string(double v);                 // strconv.FormatFloat(v, 'g', -1, 64)
std::string duration_string(std::chrono::nanoseconds d);  // time.Duration.String

// Writes (or captures) one record. Blocks while another thread is writing one.
void emit(Level level, std::string_view message, std::vector<Attr> attrs);

template <class T>
struct is_duration : std::false_type {};
template <class Rep, class Period>
struct is_duration<std::chrono::duration<Rep, Period>> : std::true_type {};

// Go's Duration is int64 nanoseconds: longer durations saturate instead of overflowing.
template <class Rep, class Period>
std::chrono::nanoseconds to_go_duration(std::chrono::duration<Rep, Period> d) {
  using std::chrono::nanoseconds;
  const std::chrono::duration<long double, std::nano> exact = d;
  if (exact >= nanoseconds::max()) return nanoseconds::max();
  if (exact <= nanoseconds::min()) return nanoseconds::min();
  return std::chrono::duration_cast<nanoseconds>(d);
}

template <class T>
std::string render(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
    return "<nil>";
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return quote_if_needed(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    return float_string(static_cast<double>(value));
  } else if constexpr (is_duration<T>::value) {
    return duration_string(to_go_duration(value));
  } else {
    static_assert(fmt::is_formattable<T>::value,
                  "conc::log: a value must be a string, bool, number, std::chrono duration, "
                  "conc::Error, or have a fmt::formatter");
    return quote_if_needed(fmt::format("{}", value));
  }
}

template <class T>
inline constexpr bool is_key_v =
    std::is_convertible_v<const T&, std::string_view> && !std::is_same_v<T, std::nullptr_t>;

inline void append_attrs(std::vector<Attr>&) {}

template <class Key, class Value, class... Rest>
void append_pair(std::vector<Attr>& out, const Key& key, const Value& value, const Rest&... rest);

// slog's argsToAttr: a string followed by a value is a pair; anything else is !BADKEY's value.
template <class First, class... Rest>
void append_attrs(std::vector<Attr>& out, const First& first, const Rest&... rest) {
  if constexpr (is_key_v<First> && sizeof...(Rest) > 0) {
    append_pair(out, first, rest...);
  } else {
    out.push_back({"!BADKEY", render(first)});
    append_attrs(out, rest...);
  }
}

template <class Key, class Value, class... Rest>
void append_pair(std::vector<Attr>& out, const Key& key, const Value& value, const Rest&... rest) {
  out.push_back({quote_if_needed(key), render(value)});
  append_attrs(out, rest...);
}

template <class... Args>
std::vector<Attr> make_attrs(const Args&... kv) {
  std::vector<Attr> attrs;
  attrs.reserve((sizeof...(Args) + 1) / 2);
  append_attrs(attrs, kv...);
  return attrs;
}

template <class... Args>
void log(Level level, std::string_view message, const Args&... kv) {
  if (enabled(level)) emit(level, message, make_attrs(kv...));
}

}  // namespace detail

// Log a record at Debug, Info, Warn or Error level: message, then alternating key, value. Blocks
// only while another thread is writing a line. Never throws but for std::bad_alloc (or what a
// user-supplied fmt::formatter throws); a failing output stream is reported by spdlog on stderr.
template <class... Args>
void debug(std::string_view message, const Args&... kv) {
  detail::log(Level::Debug, message, kv...);
}
template <class... Args>
void info(std::string_view message, const Args&... kv) {
  detail::log(Level::Info, message, kv...);
}
template <class... Args>
void warn(std::string_view message, const Args&... kv) {
  detail::log(Level::Warn, message, kv...);
}
template <class... Args>
void error(std::string_view message, const Args&... kv) {
  detail::log(Level::Error, message, kv...);
}

}  // namespace conc::log
