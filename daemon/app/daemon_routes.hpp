// DaemonRoutes: the daemon's own HTTP endpoints. Public: /healthz, /readyz, /metrics. Admin (bearer
// token): /admin/v1/status, /admin/v1/plugins, /admin/v1/clock, /admin/v1/bus/{service}/{action}.
// Handlers read the daemon's state; they hold a reference to the Daemon, which outlives both
// listeners.
#pragma once

#include "http/router.hpp"

namespace berichtd::app {

class Daemon;

class DaemonRoutes {
 public:
  explicit DaemonRoutes(Daemon& daemon) : daemon_(daemon) {}
  http::Router publicRouter();
  http::Router adminRouter();

 private:
  Daemon& daemon_;
};

}  // namespace berichtd::app
