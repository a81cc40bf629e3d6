#include "conc/log.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <utility>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "conc/testing/log_capture.hpp"

namespace conc::log {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::Info)};

// A local logger, never registered: spdlog's global registry throws when a name is registered
// twice. The pattern is Go's log.LstdFlags prefix; conc::log formats the rest of the line.
std::unique_ptr<spdlog::logger> make_logger(spdlog::sink_ptr sink) {
  auto logger = std::make_unique<spdlog::logger>("conc", std::move(sink));
  logger->set_pattern("%Y/%m/%d %H:%M:%S %v", spdlog::pattern_time_type::local);
  logger->set_level(spdlog::level::trace);  // conc::log filters before formatting
  return logger;
}

// Where records go. emit() holds mu for the whole write: lines never interleave, and once
// set_output() or ~LogCapture() returns, nothing goes to the previous destination. The sinks are
// spdlog's single-threaded ones because mu already serializes them.
struct Output {
  std::mutex mu;
  std::unique_ptr<spdlog::logger> logger =  // guarded by mu
      make_logger(std::make_shared<spdlog::sinks::stderr_sink_st>());
  testing::LogCapture* capture = nullptr;  // guarded by mu; when set, records go there instead
};

Output& output() {
  static Output* const out = new Output;  // never destroyed: goroutines may log during exit
  return *out;
}

spdlog::level::level_enum spdlog_level(Level level) {
  if (level < Level::Info) return spdlog::level::debug;
  if (level < Level::Warn) return spdlog::level::info;
  if (level < Level::Error) return spdlog::level::warn;
  return spdlog::level::err;
}

std::string format_line(Level level, std::string_view message, const std::vector<Attr>& attrs) {
  std::string line = to_string(level);
  line += ' ';
  line += message;
  for (const Attr& attr : attrs) {
    line += ' ';
    line += attr.key;
    line += '=';
    line += attr.value;
  }
  return line;
}

// The code point at the start of s and its length in bytes; {kInvalid, 1} when s does not start
// with a valid UTF-8 sequence (Go: utf8.RuneError, 1).
constexpr std::uint32_t kInvalid = 0xFFFFFFFF;

std::pair<std::uint32_t, std::size_t> decode_utf8(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const std::uint32_t first = byte(0);
  if (first < 0x80) return {first, 1};
  // The lead byte gives the length and the first bits; a code point below `smallest` would fit
  // in fewer bytes: an overlong encoding, which Go rejects.
  std::size_t size = 0;
  std::uint32_t rune = 0;
  std::uint32_t smallest = 0;
  if ((first & 0xE0) == 0xC0) {
    size = 2;
    rune = first & 0x1F;
    smallest = 0x80;
  } else if ((first & 0xF0) == 0xE0) {
    size = 3;
    rune = first & 0x0F;
    smallest = 0x800;
  } else if ((first & 0xF8) == 0xF0) {
    size = 4;
    rune = first & 0x07;
    smallest = 0x10000;
  } else {
    return {kInvalid, 1};
  }
  if (s.size() < size) return {kInvalid, 1};
  for (std::size_t i = 1; i < size; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {kInvalid, 1};
    rune = (rune << 6) | (byte(i) & 0x3F);
  }
  const bool surrogate = rune >= 0xD800 && rune <= 0xDFFF;
  if (rune < smallest || rune > 0x10FFFF || surrogate) return {kInvalid, 1};
  return {rune, size};
}

// Go's unicode.IsPrint for a code point >= 0x80, approximately: Go has the full Unicode tables;
// this list holds the controls, spaces and format characters a log line is likely to meet.
bool printable(std::uint32_t rune) {
  static constexpr std::array<std::pair<std::uint32_t, std::uint32_t>, 11> kNotPrintable = {{
      {0x80, 0xA0}, {0xAD, 0xAD}, {0x1680, 0x1680}, {0x2000, 0x200F}, {0x2028, 0x202F},
      {0x205F, 0x206F}, {0x3000, 0x3000}, {0xE000, 0xF8FF}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
      {0xFFFE, 0xFFFF},
  }};
  return std::none_of(kNotPrintable.begin(), kNotPrintable.end(), [&](const auto& range) {
    return range.first <= rune && rune <= range.second;
  });
}

// slog's needsQuoting: empty, or a space, '=', '"', a control character, invalid UTF-8 or a
// non-printable character. A backslash alone does not need quotes.
bool needs_quoting(std::string_view s) {
  if (s.empty()) return true;
  while (!s.empty()) {
    const auto [rune, size] = decode_utf8(s);
    if (rune == kInvalid || rune < 0x20 || rune == ' ' || rune == '=' || rune == '"') return true;
    if (rune >= 0x80 && !printable(rune)) return true;
    s.remove_prefix(size);
  }
  return false;
}

const char* short_escape(std::uint32_t rune) {
  switch (rune) {
    case '\a': return "\\a";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\v': return "\\v";
    case '"': return "\\\"";
    case '\\': return "\\\\";
    default: return nullptr;
  }
}

// Go's strconv.Quote.
std::string quote(std::string_view s) {
  std::string out = "\"";
  while (!s.empty()) {
    const auto [rune, size] = decode_utf8(s);
    if (rune == kInvalid) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s.front()));
    } else if (const char* escape = short_escape(rune)) {
      out += escape;
    } else if (rune < 0x20 || rune == 0x7F) {
      out += fmt::format("\\x{:02x}", rune);
    } else if (rune < 0x80 || printable(rune)) {
      out += s.substr(0, size);
    } else {
      out += rune < 0x10000 ? fmt::format("\\u{:04x}", rune) : fmt::format("\\U{:08x}", rune);
    }
    s.remove_prefix(size);
  }
  return out + '"';
}

// v / 10^digits without trailing zeros, as Go's fmtFrac and fmtInt print it: (1500, 3) → "1.5".
std::string decimal(std::uint64_t v, int digits) {
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string out = std::to_string(v / scale);
  if (const std::uint64_t fraction = v % scale; fraction != 0) {
    std::string text = fmt::format("{:0{}}", fraction, digits);
    text.erase(text.find_last_not_of('0') + 1);
    out += '.' + text;
  }
  return out;
}

}  // namespace

std::string to_string(Level level) {
  const auto name = [](std::string_view base, int above) {
    return above == 0 ? std::string(base) : fmt::format("{}{:+d}", base, above);
  };
  const int value = static_cast<int>(level);
  if (value < static_cast<int>(Level::Info)) return name("DEBUG", value + 4);
  if (value < static_cast<int>(Level::Warn)) return name("INFO", value);
  if (value < static_cast<int>(Level::Error)) return name("WARN", value - 4);
  return name("ERROR", value - 8);
}

void set_level(Level level) noexcept {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

Level level() noexcept { return static_cast<Level>(min_level.load(std::memory_order_relaxed)); }

bool enabled(Level level) noexcept {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

void set_output(std::ostream* out) {
  spdlog::sink_ptr sink;
  if (out != nullptr) {
    sink = std::make_shared<spdlog::sinks::ostream_sink_st>(*out, /*force_flush=*/true);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
  }
  std::unique_ptr<spdlog::logger> logger = make_logger(std::move(sink));
  Output& dest = output();
  std::lock_guard lock(dest.mu);
  dest.logger.swap(logger);  // the old logger is destroyed after the lock is released
}

namespace detail {

std::string quote_if_needed(std::string_view s) {
  return needs_quoting(s) ? quote(s) : std::string(s);
}

std::string float_string(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest digits that read back as v; %e form when the exponent is < -4 or >= 6, as Go's 'g'.
  const auto shortest = [v](std::chars_format format) {
    std::array<char, 32> buf{};
    char* end = std::to_chars(buf.data(), buf.data() + buf.size(), v, format).ptr;
    return std::string(buf.data(), end);
  };
  const std::string scientific = shortest(std::chars_format::scientific);  // "1.5e+07"
  const int exponent = std::atoi(scientific.c_str() + scientific.find('e') + 1);
  if (exponent < -4 || exponent >= 6) return scientific;
  return shortest(std::chars_format::fixed);
}

std::string duration_string(std::chrono::nanoseconds d) {
  const bool negative = d.count() < 0;
  std::uint64_t ns = static_cast<std::uint64_t>(d.count());
  if (negative) ns = 0 - ns;  // modular: right for the minimum too, as in Go
  std::string out;
  if (ns == 0) {
    out = "0s";
  } else if (ns < 1'000) {
    out = decimal(ns, 0) + "ns";
  } else if (ns < 1'000'000) {
    out = decimal(ns, 3) + "µs";
  } else if (ns < 1'000'000'000) {
    out = decimal(ns, 6) + "ms";
  } else {
    out = decimal(ns % 60'000'000'000, 9) + "s";
    if (const std::uint64_t minutes = ns / 60'000'000'000; minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      const std::uint64_t hours = minutes / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

void emit(Level level, std::string_view message, std::vector<Attr> attrs) {
  Output& out = output();
  std::lock_guard lock(out.mu);
  if (out.capture != nullptr) {
    out.capture->append({level, std::string(message), std::move(attrs)});
    return;
  }
  const std::string line = format_line(level, message, attrs);
  out.logger->log(spdlog_level(level), spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace detail
}  // namespace conc::log

namespace conc::testing {

LogCapture::LogCapture() {
  log::Output& out = log::output();
  std::lock_guard lock(out.mu);
  if (out.capture != nullptr) {
    throw std::logic_error(
        "conc::testing::LogCapture: another LogCapture is alive; only one may capture at a time");
  }
  out.capture = this;
}

LogCapture::~LogCapture() {
  log::Output& out = log::output();
  std::lock_guard lock(out.mu);
  out.capture = nullptr;
}

std::string LogCapture::Record::line() const { return log::format_line(level, message, attrs); }

std::vector<LogCapture::Record> LogCapture::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

std::vector<std::string> LogCapture::lines() const {
  std::vector<std::string> lines;
  for (const Record& record : records()) lines.push_back(record.line());
  return lines;
}

void LogCapture::clear() {
  std::lock_guard lock(mu_);
  records_.clear();
}

void LogCapture::append(Record record) {
  std::lock_guard lock(mu_);
  records_.push_back(std::move(record));
}

bool LogCapture::contains_attrs(std::string_view message,
                                const std::vector<log::Attr>& wanted) const {
  const auto matches = [&](const Record& record) {
    const auto has = [&](const log::Attr& attr) {
      return std::find(record.attrs.begin(), record.attrs.end(), attr) != record.attrs.end();
    };
    return record.message == message && std::all_of(wanted.begin(), wanted.end(), has);
  };
  std::lock_guard lock(mu_);
  return std::any_of(records_.begin(), records_.end(), matches);
}

void PrintTo(const LogCapture::Record& record, std::ostream* os) { *os << record.line(); }

}  // namespace conc::testing
