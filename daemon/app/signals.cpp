#include "app/signals.hpp"

#include <pthread.h>

#include <csignal>
#include <ctime>

namespace berichtd::app {

namespace {
sigset_t daemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}
}  // namespace

void blockDaemonSignals() {
  sigset_t set = daemonSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client closing its connection must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
}

int waitForSignal(std::chrono::milliseconds timeout) {
  sigset_t set = daemonSignals();
  timespec ts{};
  ts.tv_sec = timeout.count() / 1000;
  ts.tv_nsec = (timeout.count() % 1000) * 1000000;
  int sig = sigtimedwait(&set, nullptr, &ts);
  return sig < 0 ? 0 : sig;
}

}  // namespace berichtd::app
