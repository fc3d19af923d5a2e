#include "app/import_routes.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <filesystem>
#include <mutex>

#include "core/logging.hpp"
#include "http/errors.hpp"
#include "import/import_plan.hpp"
#include "import/importer.hpp"

namespace berichtd::app {

namespace {

Poco::JSON::Object reportObject(const import::ImportReport& report) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("dry_run", report.dryRun);
  o.set("written", report.written);
  o.set("lines", report.lines);
  Poco::JSON::Object counts(Poco::JSON_PRESERVE_KEY_ORDER);
  for (auto kind :
       {import::LineKind::kAccount, import::LineKind::kMessage, import::LineKind::kInvoice}) {
    const auto& c = report.of(kind);
    Poco::JSON::Object k(Poco::JSON_PRESERVE_KEY_ORDER);
    k.set("to_import", c.toImport);
    k.set("excluded_closed", c.excludedClosed);
    k.set("invalid", c.invalid);
    k.set("already_present", c.alreadyPresent);
    k.set("updated", c.updated);
    counts.set(std::string(import::kindName(kind)) + "s", k);
  }
  o.set("counts", counts);
  o.set("invalid_total", report.problemTotal);
  Poco::JSON::Array lines;
  for (const auto& p : report.problems) {
    Poco::JSON::Object l(Poco::JSON_PRESERVE_KEY_ORDER);
    l.set("line", p.line);
    l.set("code", p.code);
    l.set("message", p.message);
    lines.add(l);
  }
  o.set("invalid_lines", lines);
  return o;
}

void logReport(const import::ImportReport& r) {
  auto n = [&r](import::LineKind k) {
    const auto& c = r.of(k);
    return std::to_string(c.toImport) + "/" + std::to_string(c.excludedClosed) + "/" +
           std::to_string(c.invalid) + "/" + std::to_string(c.alreadyPresent) + "/" +
           std::to_string(c.updated);
  };
  logger("import").information(
      "import %s: accounts %s, messages %s, invoices %s (new/excluded M2/invalid/present/updated)",
      std::string(r.dryRun    ? "dry run"
                  : r.written ? "written"
                              : "refused (invalid lines)"),
      n(import::LineKind::kAccount), n(import::LineKind::kMessage), n(import::LineKind::kInvoice));
}

}  // namespace

std::string importReportJson(const import::ImportReport& report) {
  return http::toJson(reportObject(report));
}

void addImportRoute(http::Router& router,
                    const std::function<http::HttpHandler(http::HttpHandler)>& guarded,
                    ImportRouteDeps deps) {
  auto running = std::make_shared<std::mutex>();
  router.add(
      "POST", "/admin/v1/import",
      guarded([deps, running](const http::HttpRequest& req, http::HttpResponse& res) {
        auto in = http::parseJsonObject(req.body.empty() ? "{}" : req.body);
        if (!in) return http::setError(res, 400, in.status());
        const std::string path = (*in)->optValue<std::string>("path", "");
        if (path.empty() || !std::filesystem::path(path).is_absolute())
          return http::setError(res, 400, "BAD_REQUEST",
                                "'path' must be the absolute path of the export file");
        if (!deps.keys)
          return http::setError(res, 503, "SERVICE_UNAVAILABLE",
                                "the import needs messages.master_key (messages are sealed)");
        std::unique_lock lock(*running, std::try_to_lock);
        if (!lock.owns_lock())
          return http::setError(res, 409, "IMPORT_RUNNING",
                                "another import is running; wait for its report");
        const auto cfg = deps.config();
        import::ImportOptions options;
        options.dryRun = (*in)->optValue<bool>("dry_run", false);
        options.skipInvalid = (*in)->optValue<bool>("skip_invalid", false);
        options.cutoff = *parseIso8601(cfg->migration.cutoff);  // checked when loaded
        options.supplier = {cfg->billing.supplierName, cfg->billing.supplierAddress,
                            cfg->billing.supplierKvk, cfg->billing.supplierVatNumber};
        import::Importer importer(*deps.db, *deps.clock, *deps.keys);
        auto report = importer.run(path, options);
        if (!report) {
          const std::string& code = report.status().code();
          const int status = code == import::kFileUnreadable             ? 422
                             : code.rfind("STORAGE_UNAVAILABLE", 0) == 0 ? 503
                                                                         : 500;
          return http::setError(res, status, report.status());
        }
        logReport(*report);
        if (report->problemTotal > 0 && !report->dryRun && !report->written) {
          Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
          body.set("error",
                   http::errorObject("IMPORT_FILE_INVALID",
                                     std::to_string(report->problemTotal) +
                                         " line(s) of the export are invalid; nothing was imported "
                                         "(fix them, or import the rest with --skip-invalid)"));
          body.set("report", reportObject(*report));
          res.status = 422;
          res.body = http::toJson(body);
          return;
        }
        res.body = importReportJson(*report);
      }));
}

}  // namespace berichtd::app
