// Signal handling without async handlers: the termination and reload signals are blocked in
// every thread (blockDaemonSignals() runs before any thread starts, and threads inherit the
// mask) and the main thread takes them one at a time with waitForSignal(). Poco's
// ServerApplication does not handle SIGHUP, hence this.
#pragma once

#include <chrono>

namespace berichtd::app {

void blockDaemonSignals();
// The next of SIGTERM, SIGINT, SIGHUP, or 0 after the timeout.
int waitForSignal(std::chrono::milliseconds timeout);

}  // namespace berichtd::app
