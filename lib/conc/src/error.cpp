#include "conc/error.hpp"

#include <ostream>

namespace conc {

struct Error::Node {
  std::string message;
  std::shared_ptr<const Node> cause;  // the wrapped error, or null
};

Error::Error(std::string message)
    : node_(std::make_shared<const Node>(Node{std::move(message), nullptr})) {}

std::string Error::message() const { return node_ ? node_->message : std::string(); }

Error wrap(const Error& cause, std::string context) {
  std::string message = std::move(context) + ": " + (cause ? cause.message() : "<nil>");
  return Error(std::make_shared<const Error::Node>(Error::Node{std::move(message), cause.node_}));
}

bool is(const Error& err, const Error& target) {
  if (!target) return !err;
  for (const Error::Node* node = err.node_.get(); node != nullptr; node = node->cause.get()) {
    if (node == target.node_.get()) return true;
  }
  return false;
}

void PrintTo(const Error& err, std::ostream* os) {
  if (!err) {
    *os << "<nil>";
    return;
  }
  *os << '"' << err.message() << "\" (error " << static_cast<const void*>(err.node_.get()) << ')';
}

const Error Canceled("context canceled");
const Error DeadlineExceeded("context deadline exceeded");

}  // namespace conc
