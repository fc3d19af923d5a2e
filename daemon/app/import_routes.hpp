// ImportRoutes: POST /admin/v1/import, the daemon's half of `berichtctl import` (SPEC M1, M2;
// docs/import.md "How the file reaches the daemon").
//
// Contract
// - Body {"path": ABSOLUTE_PATH, "dry_run": bool, "skip_invalid": bool}: the daemon reads the
//   export from that path itself (it is on the daemon's host; the admin listener is loopback by
//   default), streamed, twice: once to plan, once to write. BAD_REQUEST for a missing or
//   relative path; IMPORT_FILE_UNREADABLE (422) when the daemon cannot read it.
// - 200 with the report (counts per kind and category, the invalid lines) when it was a dry
//   run or written; 422 IMPORT_FILE_INVALID with the same report beside the error when a line
//   is invalid and skip_invalid is off (nothing written); 409 IMPORT_RUNNING while another
//   import runs; 503 SERVICE_UNAVAILABLE without messages.master_key (messages are sealed).
// - The answer comes when the import is done (minutes for a million messages): berichtctl
//   waits that long. Only counts and line numbers are logged, never a line's contents.
// Thread-safety: one import at a time (a mutex); the handler runs on the admin listener's
// thread for its whole length.
#pragma once

#include <functional>
#include <memory>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "import/import_report.hpp"
#include "messages/data_keys.hpp"
#include "storage/database.hpp"

namespace berichtd::app {

struct ImportRouteDeps {
  storage::Database* db = nullptr;
  const Clock* clock = nullptr;
  const messages::DataKeys* keys = nullptr;  // null without messages.master_key
  std::function<std::shared_ptr<const config::Config>()> config;
};

void addImportRoute(http::Router& router,
                    const std::function<http::HttpHandler(http::HttpHandler)>& guarded,
                    ImportRouteDeps deps);

// The report as the admin API answers it (docs/import.md "The report").
std::string importReportJson(const import::ImportReport& report);

}  // namespace berichtd::app
