#include "ctl/import_command.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <sstream>

#include "ctl/admin_client.hpp"
#include "ctl/ctl_output.hpp"

namespace berichtd::ctl {

const char* const kImportHelp =
    "usage: berichtctl [options] import FILE [--dry-run] [--skip-invalid] [--json]\n"
    "\n"
    "Imports the old platform's export (JSON Lines: accounts, messages, invoices; format in\n"
    "docs/import.md) into the daemon's database. The daemon reads FILE itself (its absolute\n"
    "path is sent; it must be readable by the daemon's user on the daemon's host).\n"
    "Idempotent: records imported before (same old_id) are not imported again; a later\n"
    "export (the final one after an early import) updates the accounts not yet activated and\n"
    "marks open migrated invoices paid since; an activated account is left alone. Accounts\n"
    "closed 6 months or more before migration.cutoff are left out with their messages and\n"
    "invoices (M2). A malformed line is reported with its line number and nothing is imported,\n"
    "unless --skip-invalid (then the other lines are). Prints per kind: to import, excluded\n"
    "(M2), invalid, already present, updated.\n"
    "  --dry-run       judge every line and print the counts; change nothing\n"
    "  --skip-invalid  import the valid lines even when some are invalid\n"
    "POST /admin/v1/import. Errors: IMPORT_FILE_INVALID, IMPORT_LINE_INVALID, IMPORT_CONFLICT,\n"
    "IMPORT_REFERENCE_UNKNOWN, IMPORT_FILE_UNREADABLE, IMPORT_RUNNING.\n"
    "Exit status 1 when lines are invalid and --skip-invalid is not given.\n";

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int64_t number(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  try {
    return o.isNull() ? 0 : o->optValue<int64_t>(key, 0);
  } catch (const Poco::Exception&) {
    return 0;
  }
}

void printReport(std::ostream& out, std::ostream& err, const Poco::JSON::Object::Ptr& r) {
  const bool dry = r->optValue<bool>("dry_run", false);
  const bool written = r->optValue<bool>("written", false);
  out << (dry       ? "dry run: nothing was changed"
          : written ? "imported"
                    : "nothing was imported")
      << '\n';
  const std::vector<std::string> header{"",        "to import",       "excluded (M2)",
                                        "invalid", "already present", "updated"};
  std::vector<std::vector<std::string>> rows;
  auto counts = r->getObject("counts");
  for (const std::string kind : {"accounts", "messages", "invoices"}) {
    auto c = counts.isNull() ? nullptr : counts->getObject(kind);
    rows.push_back(
        {kind, std::to_string(number(c, "to_import")), std::to_string(number(c, "excluded_closed")),
         std::to_string(number(c, "invalid")), std::to_string(number(c, "already_present")),
         std::to_string(number(c, "updated"))});
  }
  printTable(out, header, rows, 1);  // the kind left-aligned, the numbers right-aligned
  const int64_t total = number(r, "invalid_total");
  auto lines = r->getArray("invalid_lines");
  if (total == 0 || lines.isNull()) return;
  err << "invalid lines (" << total << "):\n";
  for (size_t i = 0; i < lines->size(); ++i) {
    auto l = lines->getObject(static_cast<unsigned>(i));
    err << "  line " << number(l, "line") << ": " << l->optValue<std::string>("code", "?") << ": "
        << l->optValue<std::string>("message", "") << '\n';
  }
  if (static_cast<int64_t>(lines->size()) < total)
    err << "  ... and " << total - static_cast<int64_t>(lines->size()) << " more\n";
}

}  // namespace

int runImport(const ImportArgs& a, std::ostream& out, std::ostream& err) {
  if (a.files.size() != 1) {
    err << "berichtctl: import needs exactly one FILE\n\n" << kImportHelp;
    return kExitUsage;
  }
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::absolute(a.files[0], ec);
  if (ec || !std::filesystem::is_regular_file(file, ec)) {
    err << "berichtctl: " << a.files[0] << " is not a readable file\n";
    return kExitFailed;
  }
  const AdminClient client(a.adminUrl, a.token, kImportTimeout);
  if (std::string e = client.checkUrl(); !e.empty()) {
    err << "berichtctl: " << e << '\n';
    return kExitUsage;
  }
  Poco::JSON::Object body;
  body.set("path", file.lexically_normal().string());
  body.set("dry_run", a.dryRun);
  body.set("skip_invalid", a.skipInvalid);
  std::ostringstream text;
  body.stringify(text);
  const AdminAnswer answer = client.request("POST", "/admin/v1/import", text.str());
  if (!answer.failure.empty()) {
    err << "berichtctl: cannot reach the admin listener at " << a.adminUrl << ": " << answer.failure
        << "\n(is berichtd running, with admin.listen and admin.token set?)\n";
    return kExitFailed;
  }
  auto json = parseObject(answer.body);
  if (json.isNull()) {
    err << "berichtctl: the admin listener answered HTTP " << answer.status
        << " without a JSON object to POST /admin/v1/import\n";
    return kExitFailed;
  }
  if (a.json) out << answer.body << (answer.body.ends_with('\n') ? "" : "\n");
  Poco::JSON::Object::Ptr report = answer.status == 200 ? json : json->getObject("report");
  if (answer.status >= 400) {
    auto e = json->getObject("error");
    if (!e.isNull())
      err << "berichtctl: " << e->optValue<std::string>("code", "?") << ": "
          << e->optValue<std::string>("message", "") << " (HTTP " << answer.status << ")\n";
    if (!report.isNull() && !a.json) printReport(out, err, report);
    return kExitFailed;
  }
  if (!a.json) printReport(out, err, report);
  // A dry run over invalid lines fails too, so `import --dry-run F && import F` stops there.
  return number(report, "invalid_total") > 0 && !a.skipInvalid ? kExitFailed : kExitOk;
}

}  // namespace berichtd::ctl
