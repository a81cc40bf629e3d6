// GIVEN CODE: the datacenters of the course.
#include "finder.hpp"

#include <chrono>
#include <utility>

#include "conc/log.hpp"
#include "conc/select.hpp"

namespace datacenterfind {
namespace {

using std::chrono::milliseconds;

class Datacenter final : public Finder {
 public:
  Datacenter(std::string name, conc::Duration response_time, std::int64_t weight, bool fails)
      : name_(std::move(name)), response_time_(response_time), weight_(weight), fails_(fails) {}

  std::string name() const override { return name_; }
  std::int64_t weight() const override { return weight_; }

  bool find([[maybe_unused]] std::string_view resource) override {
    conc::sleep(response_time_);
    return true;
  }

  FindResult find_with_context(const conc::Context& ctx,
                               [[maybe_unused]] std::string_view resource) override {
    return respond(ctx, false);
  }

  FindResult find_with_error(const conc::Context& ctx,
                             [[maybe_unused]] std::string_view resource) override {
    return respond(ctx, fails_);
  }

 private:
  // Waits for the response time or for ctx, whichever comes first (the Go original's select on
  // a timer and ctx.Done()).
  FindResult respond(const conc::Context& ctx, bool fail) {
    conc::Timer response(response_time_);
    FindResult result{false, conc::Error()};
    conc::select(
        conc::case_recv(response.c(), [&] {
          if (fail) {
            result = {false, something_went_wrong()};
          } else {
            result = {true, conc::Error()};
          }
        }),
        conc::case_recv(ctx.done(), [&] {
          conc::log::info("deadline exceeded", "finder", name_);
          result = {false, ctx.err()};
        }));
    return result;
  }

  static const conc::Error& something_went_wrong() {
    static const conc::Error error("something went wrong");
    return error;
  }

  const std::string name_;
  const conc::Duration response_time_;
  const std::int64_t weight_;
  const bool fails_;
};

}  // namespace

std::shared_ptr<Finder> make_datacenter(std::string name, conc::Duration response_time,
                                        std::int64_t weight, bool fails) {
  return std::make_shared<Datacenter>(std::move(name), response_time, weight, fails);
}

std::shared_ptr<Finder> sbg() { return make_datacenter("SBG", milliseconds(100), 10); }
std::shared_ptr<Finder> gra() { return make_datacenter("GRA", milliseconds(200), 20); }
std::shared_ptr<Finder> bhs() { return make_datacenter("BHS", milliseconds(300), 30); }
std::shared_ptr<Finder> rbx() { return make_datacenter("RBX", milliseconds(100), 10); }
std::shared_ptr<Finder> waw() { return make_datacenter("WAW", milliseconds(100), 10); }
std::shared_ptr<Finder> dc_error() { return make_datacenter("DCError", milliseconds(50), 10, true); }

}  // namespace datacenterfind
