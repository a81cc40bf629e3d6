// With a case_default, select never blocks: it tries, then gives up.
#include <fmt/core.h>

#include <optional>
#include <string>

#include "conc/chan.hpp"
#include "conc/select.hpp"

int main() {
  const auto mailbox = conc::make_chan<std::string>(1);  // room for one

  for (const std::string text : {"first", "second"}) {  // try to send
    conc::select(
        conc::case_send(mailbox, text,
                        [&] { fmt::print("stored {}\n", text); }),
        conc::case_default(
            [&] { fmt::print("mailbox full, dropped {}\n", text); }));
  }

  const auto read = [](std::optional<std::string> m) {
    fmt::print("read {}\n", *m);
  };
  for (int i = 0; i < 2; ++i) {  // try to receive
    const std::size_t ran = conc::select(conc::case_recv(mailbox, read),
                                         conc::case_default());
    if (ran == 1) fmt::print("mailbox empty\n");  // position of the case
  }
}
