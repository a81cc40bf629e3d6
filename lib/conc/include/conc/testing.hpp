// conc::testing — what tests of concurrent code need: virtual time, captured logs, leak checks.
// For tests only; see each header.
#pragma once

#include "conc/testing/fake_clock.hpp"
#include "conc/testing/goroutines.hpp"
#include "conc/testing/log_capture.hpp"
