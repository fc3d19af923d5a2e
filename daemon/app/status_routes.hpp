// StatusRoutes: the public status page and the operator's incidents and maintenance (SPEC S1,
// S2; issue 6 items 2-3; API.md): GET /status (Dutch HTML, no JavaScript) and GET /status.json
// (the Statuspage summary shape) on the public listener, which keep answering in maintenance
// windows; and on the admin listener (berichtctl incident|maintenance):
//   GET  /admin/v1/incidents                       → {incidents: [...]}
//   POST /admin/v1/incidents {name, components: {c: state}, body}         → 201 {id}
//   POST /admin/v1/incidents/{id}/updates {status, body, components?}     → {id, status}
//   POST /admin/v1/incidents/{id}/resolve {body}                          → {id, status}
//   GET  /admin/v1/maintenances                    → {maintenances: [...]}
//   POST /admin/v1/maintenances {name, starts_at, ends_at, components: [..], body} → 201 {id}
//   DELETE /admin/v1/maintenances/{id}             → {id, removed: true}
// Refusals carry StatusStore's codes (400/404/409).
// Thread-safety: handlers run on HTTP threads; the store and board are thread-safe.
#pragma once

#include <functional>
#include <memory>

#include "config/config.hpp"
#include "http/router.hpp"
#include "status/status_board.hpp"

namespace berichtd::app {

struct StatusRouteDeps {
  status::StatusStore* store = nullptr;
  const status::StatusBoard* board = nullptr;
  std::function<std::shared_ptr<const config::Config>()> config;
};

class StatusRoutes {
 public:
  explicit StatusRoutes(StatusRouteDeps deps) : deps_(std::move(deps)) {}
  void addPublic(http::Router& router) const;
  void addAdmin(http::Router& router,
                const std::function<http::HttpHandler(http::HttpHandler)>& guard) const;

 private:
  StatusRouteDeps deps_;
};

}  // namespace berichtd::app
