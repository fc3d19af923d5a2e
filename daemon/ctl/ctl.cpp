#include "ctl/ctl.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "ctl/admin_client.hpp"
#include "ctl/ctl_output.hpp"
#include "ctl/import_command.hpp"

namespace berichtd::ctl {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "usage: berichtctl [--admin URL] [--token-file FILE] [--json] COMMAND [args]\n"
    "\n"
    "commands:\n"
    "  status              the daemon's version, uptime, storage, clock, bus and services\n"
    "  plugins             the loaded plugins and their workers\n"
    "  clock show          the platform clock's mode and time\n"
    "  clock set ISO8601   sets the manual clock (only with clock.mode: manual)\n"
    "  accounts create --email E --agb A [--created YYYY-MM-DD]\n"
    "                      creates an account in state migrated; prints its id and request token\n"
    "  accounts show EMAIL|AGB\n"
    "                      one account: e-mail, AGB code, state and dates\n"
    "  deadletter list     deliveries that failed every attempt\n"
    "  deadletter replay ID\n"
    "                      tries a dead letter again from a fresh count\n"
    "  billing run [--date YYYY-MM-DD]\n"
    "                      invoices and charges every period due on that day (default today)\n"
    "  billing fail PAYMENT_ID REASON\n"
    "                      enters a bank return: the debit failed (SEPA files)\n"
    "  billing sync        fetches every unsettled payment back from the provider\n"
    "  incident open --name N --component C=STATE... [--body TEXT]\n"
    "  incident update ID --status S [--body TEXT] [--component C=STATE...]\n"
    "  incident resolve ID [--body TEXT] | incident list\n"
    "                      operator incidents on the status page (they override checks)\n"
    "  maintenance add --name N --starts ISO8601 --ends ISO8601 [--component C...] [--body T]\n"
    "  maintenance list | maintenance remove ID\n"
    "                      scheduled maintenance windows on the status page\n"
    "  billing batch [--date YYYY-MM-DD]\n"
    "                      SEPA files: writes the collections not yet in a file\n"
    "  campaign list       the e-mail campaigns with their send time, waves and progress\n"
    "  campaign send NAME  queues every remaining mail of campaign NAME now\n"
    "  import FILE [--dry-run] [--skip-invalid]\n"
    "                      imports the old platform's export (accounts, messages, invoices)\n"
    "  retention sweep [--date YYYY-MM-DD]\n"
    "                      deletes the accounts due for deletion that day (R1-R3)\n"
    "\n"
    "options:\n"
    "  --admin URL         the admin listener (default http://127.0.0.1:8081)\n"
    "  --token-file FILE   the admin bearer token (default: $BERICHTD_ADMIN_TOKEN_FILE,\n"
    "                      else state/admin.token when it exists)\n"
    "  --json              print the server's JSON answer as is\n"
    "  --help              this text; COMMAND --help explains one command\n"
    "\n"
    "exit status: 0 success, 1 the command failed, 2 usage error\n";

constexpr const char* kBillingHelp =
    "usage: berichtctl [options] billing run [--date YYYY-MM-DD] [--json]\n"
    "       berichtctl [options] billing fail PAYMENT_ID REASON [--json]\n"
    "       berichtctl [options] billing sync [--json]\n"
    "       berichtctl [options] billing batch [--date YYYY-MM-DD] [--json]\n"
    "\n"
    "  run   the billing run of a day (default: today on the platform clock, Europe/Amsterdam):\n"
    "        every active account with a valid mandate gets an invoice and a queued charge for\n"
    "        each period due on or before that day, and failed charges whose retry day has come\n"
    "        are tried again (SPEC B6, B7). Safe to repeat: nothing is charged twice.\n"
    "        POST /admin/v1/billing/run.\n"
    "  fail  a debit the bank returned (SEPA files have no webhook): the provider plugin marks\n"
    "        the payment failed with REASON and the invoice stays open (B7).\n"
    "        POST /admin/v1/billing/payments/{id}/fail.\n"
    "  sync  asks the provider for every payment still open or pending and applies what it\n"
    "        says (the webhook's work, for missed webhooks). POST /admin/v1/billing/sync.\n"
    "  batch SEPA files (billing-sepa): the collections not yet in a file as one pain.008 file\n"
    "        for collection on --date (default: the earliest the bank accepts), then a sync.\n"
    "        The scheduler does this daily after the run. POST /admin/v1/billing/batch.\n";

constexpr const char* kRetentionHelp =
    "usage: berichtctl [options] retention sweep [--date YYYY-MM-DD] [--json]\n"
    "\n"
    "The retention sweep of a day (default: today on the platform clock, Europe/Amsterdam), as\n"
    "the daily scheduler runs it: every account without activity for retention.inactivity_months\n"
    "(R1) and every closed account retention.closed_months after its closure (R2) is deleted\n"
    "for real, each in its own transaction (R3): messages, invoices, billing data, tokens, its\n"
    "data key, and the plugins' credentials and mandates; a tombstone (id, time, reason) stays.\n"
    "Safe to repeat: what is deleted stays deleted, nothing is deleted twice. Prints the counts\n"
    "and the deleted account ids. POST /admin/v1/retention/sweep. docs/retention.md.\n";

constexpr const char* kIncidentHelp =
    "usage: berichtctl [options] incident open --name N --component C=STATE... [--body TEXT]\n"
    "       berichtctl [options] incident update ID --status S [--body TEXT] "
    "[--component C=STATE...]\n"
    "       berichtctl [options] incident resolve ID [--body TEXT]\n"
    "       berichtctl [options] incident list [--json]\n"
    "\n"
    "An incident shows on the public status page (/status, /status.json) and sets the state of\n"
    "each component it names, overriding what the checks say (SPEC S2), until it is resolved.\n"
    "Components: login, berichten, betalingen, website. States: operational,\n"
    "degraded_performance, partial_outage, major_outage, under_maintenance. Statuses of an\n"
    "update: investigating, identified, monitoring, resolved. POST /admin/v1/incidents,\n"
    "POST /admin/v1/incidents/{id}/updates, POST /admin/v1/incidents/{id}/resolve,\n"
    "GET /admin/v1/incidents. Errors: STATUS_COMPONENT_UNKNOWN, COMPONENT_STATUS_INVALID,\n"
    "INCIDENT_STATUS_INVALID, INCIDENT_RESOLVED, NOT_FOUND.\n";

constexpr const char* kMaintenanceHelp =
    "usage: berichtctl [options] maintenance add --name N --starts ISO8601 --ends ISO8601\n"
    "                  [--component C...] [--body TEXT]\n"
    "       berichtctl [options] maintenance list [--json]\n"
    "       berichtctl [options] maintenance remove ID\n"
    "\n"
    "A maintenance window shows on the status page as scheduled, then in progress; its\n"
    "components (default: all) are under_maintenance inside it. Times with an offset, e.g.\n"
    "2026-02-13T00:00:00+01:00. POST/GET /admin/v1/maintenances, DELETE\n"
    "/admin/v1/maintenances/{id}. Errors: TIME_INVALID, MAINTENANCE_WINDOW_INVALID,\n"
    "STATUS_COMPONENT_UNKNOWN, NOT_FOUND.\n";

constexpr const char* kStatusHelp =
    "usage: berichtctl [options] status [--json]\n"
    "\n"
    "Shows the daemon's version and plugin ABI, uptime, configuration generation, storage\n"
    "backend and reachability, the platform clock, the bus counters and, per service, its live\n"
    "workers and queue. Reads GET /admin/v1/status.\n";

constexpr const char* kPluginsHelp =
    "usage: berichtctl [options] plugins [--json]\n"
    "\n"
    "Lists the loaded plugins: name, version, service, isolation (thread or process), workers,\n"
    "whether a worker is live, restarts, host process id and file. Reads GET /admin/v1/plugins.\n";

constexpr const char* kClockHelp =
    "usage: berichtctl [options] clock show [--json]\n"
    "       berichtctl [options] clock set ISO8601 [--json]\n"
    "\n"
    "show: the platform clock's mode (system or manual) and current time.\n"
    "set:  moves the manual clock to ISO8601 (\"2026-03-01T00:00:00+01:00\", "
    "\"2026-03-01T00:00:00Z\"\n"
    "      or a date, meaning midnight UTC). Only with clock.mode: manual; otherwise the daemon\n"
    "      answers CLOCK_NOT_MANUAL. Uses GET and PUT /admin/v1/clock.\n";

constexpr const char* kAccountsHelp =
    "usage: berichtctl [options] accounts create --email E --agb A [--created YYYY-MM-DD]\n"
    "       berichtctl [options] accounts show EMAIL|AGB [--json]\n"
    "\n"
    "create: creates an account in state migrated, as if imported from the old platform, for a\n"
    "        care provider who was not on it. E is the login e-mail address (unique, letter case\n"
    "        ignored), A the AGB code (exactly 8 digits); --created is the account's creation\n"
    "        date, which fixes its billing day (default: today in Europe/Amsterdam by the "
    "platform\n"
    "        clock). Always prints the JSON object {\"account_id\":N,\"request_token\":\"...\"};\n"
    "        the request token is shown only this once (only its hash is stored). Errors:\n"
    "        EMAIL_INVALID, AGB_CODE_INVALID, BAD_REQUEST (date), ACCOUNT_EXISTS,\n"
    "        ACCOUNT_EXISTS_MIGRATED.\n"
    "        Uses POST /admin/v1/accounts.\n"
    "show:   the account with this e-mail address (any letter case) or AGB code: id, e-mail,\n"
    "        AGB code, state, created, closed, paid through and last activity. NOT_FOUND when\n"
    "        there is none. Uses GET /admin/v1/accounts/{key}.\n";

constexpr const char* kDeadletterHelp =
    "usage: berichtctl [options] deadletter list [--json]\n"
    "       berichtctl [options] deadletter replay ID [--json]\n"
    "\n"
    "list:   the outbox jobs (message deliveries) that failed messages.max_attempts times: id,\n"
    "        service, action, attempts, the last error code and when the job was created. Uses\n"
    "        GET /admin/v1/deadletters.\n"
    "replay: puts dead letter ID back in the queue with a fresh attempt count; its recipient's\n"
    "        copy waits again. NOT_FOUND unless ID is a dead letter. Uses\n"
    "        POST /admin/v1/deadletters/{id}/replay.\n";

constexpr const char* kCampaignHelp =
    "usage: berichtctl [options] campaign list [--json]\n"
    "       berichtctl [options] campaign send NAME [--json]\n"
    "\n"
    "list:   every campaign of the campaigns file (campaigns.file): name, template, audience,\n"
    "        send time, send_until (- when none), wave size and interval, and its progress —\n"
    "        mails queued, delivered, failed (dead letters) and accounts of the audience still\n"
    "        without one — and when the next wave starts. Uses GET /admin/v1/campaigns.\n"
    "send:   queues every remaining mail of campaign NAME now, whatever its send time and\n"
    "        waves; an account never gets a campaign twice. CAMPAIGN_UNKNOWN for a name not in\n"
    "        the file; CAMPAIGN_CLOSED once its send_until has passed (nothing is queued).\n"
    "        Uses POST /admin/v1/campaigns/{name}/send.\n";

struct Options {
  std::string adminUrl = kDefaultAdminUrl;
  std::optional<std::string> tokenFile;
  bool json = false;
  bool help = false;
  std::optional<std::string> email;    // accounts create --email
  std::optional<std::string> agb;      // accounts create --agb
  std::optional<std::string> created;  // accounts create --created
  std::optional<std::string> date;     // billing run --date
  // incident / maintenance
  std::optional<std::string> name, body, status, starts, ends;
  std::vector<std::string> components;  // --component, repeatable
  bool dryRun = false;                  // import --dry-run
  bool skipInvalid = false;             // import --skip-invalid
  std::vector<std::string> positional;
};

// Options are accepted before and after the command, so `berichtctl status --json` works too.
// Returns an error text for a usage error.
std::string parseArgs(const std::vector<std::string>& args, Options& o) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto valueOf = [&](const std::string& name, std::string& value) -> std::optional<std::string> {
      if (a == name) {
        if (i + 1 >= args.size()) return name + " needs a value";
        value = args[++i];
        return std::string();
      }
      if (a.rfind(name + "=", 0) == 0) {
        value = a.substr(name.size() + 1);
        return std::string();
      }
      return std::nullopt;
    };
    std::string value;
    if (auto r = valueOf("--admin", value)) {
      if (!r->empty()) return *r;
      o.adminUrl = value;
    } else if (auto t = valueOf("--token-file", value)) {
      if (!t->empty()) return *t;
      o.tokenFile = value;
    } else if (auto e = valueOf("--email", value)) {
      if (!e->empty()) return *e;
      o.email = value;
    } else if (auto g = valueOf("--agb", value)) {
      if (!g->empty()) return *g;
      o.agb = value;
    } else if (auto c = valueOf("--created", value)) {
      if (!c->empty()) return *c;
      o.created = value;
    } else if (auto nm = valueOf("--name", value)) {
      if (!nm->empty()) return *nm;
      o.name = value;
    } else if (auto bd = valueOf("--body", value)) {
      if (!bd->empty()) return *bd;
      o.body = value;
    } else if (auto st = valueOf("--status", value)) {
      if (!st->empty()) return *st;
      o.status = value;
    } else if (auto sa = valueOf("--starts", value)) {
      if (!sa->empty()) return *sa;
      o.starts = value;
    } else if (auto en = valueOf("--ends", value)) {
      if (!en->empty()) return *en;
      o.ends = value;
    } else if (auto co = valueOf("--component", value)) {
      if (!co->empty()) return *co;
      o.components.push_back(value);
    } else if (auto d = valueOf("--date", value)) {
      if (!d->empty()) return *d;
      o.date = value;
    } else if (a == "--dry-run") {
      o.dryRun = true;
    } else if (a == "--skip-invalid") {
      o.skipInvalid = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown option " + a;
    } else {
      o.positional.push_back(a);
    }
  }
  return {};
}

// The token: --token-file, else $BERICHTD_ADMIN_TOKEN_FILE, else state/admin.token if it
// exists, else none (the daemon will answer 401). An error text when a named file is unusable.
std::string loadToken(const Options& o, std::string& token) {
  std::string path;
  if (o.tokenFile) {
    path = *o.tokenFile;
  } else if (const char* env = std::getenv(kTokenFileEnv); env != nullptr && *env != '\0') {
    path = env;
  } else if (std::error_code ec; std::filesystem::exists(kDefaultTokenFile, ec)) {
    path = kDefaultTokenFile;
  } else {
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read the token file " + path;
  std::ostringstream text;
  text << in.rdbuf();
  token = text.str();
  // Files written by editors and `echo` end in a newline that is not part of the token.
  const auto isSpace = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!token.empty() && isSpace(token.back())) token.pop_back();
  while (!token.empty() && isSpace(token.front())) token.erase(0, 1);
  if (token.empty()) return "the token file " + path + " is empty";
  return {};
}

// A JSON value for a table cell: strings as they are, null and absent as "-".
std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (o.isNull() || !o->has(key) || o->isNull(key)) return "-";
  const Poco::Dynamic::Var v = o->get(key);
  if (v.isBoolean()) return v.extract<bool>() ? "yes" : "no";
  try {
    return v.convert<std::string>();
  } catch (const Poco::Exception&) {
    return "?";
  }
}

std::string duration(int64_t seconds) {
  std::string s;
  const int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60,
                sec = seconds % 60;
  if (d > 0) s += std::to_string(d) + "d ";
  if (d > 0 || h > 0) s += std::to_string(h) + "h ";
  if (d > 0 || h > 0 || m > 0) s += std::to_string(m) + "m ";
  return s + std::to_string(sec) + "s";
}

void printStatus(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto row = [&](const std::string& label, const std::string& value) {
    out << label << std::string(label.size() < 19 ? 19 - label.size() : 1, ' ') << value << '\n';
  };
  row("version", text(o, "version") + " (plugin ABI " + text(o, "abi") + ")");
  int64_t uptime = 0;
  try {
    uptime = o->optValue<int64_t>("uptime_s", 0);
  } catch (const Poco::Exception&) {
  }
  row("uptime", duration(uptime));
  row("config generation", text(o, "config_generation"));
  if (auto s = o->getObject("storage")) {
    const std::string reachable = text(s, "reachable") == "yes" ? "reachable" : "NOT REACHABLE";
    row("storage",
        text(s, "backend") + ", " + reachable + ", schema version " + text(s, "schema_version"));
  }
  if (auto c = o->getObject("clock")) row("clock", text(c, "mode") + ", " + text(c, "now"));
  if (auto b = o->getObject("bus")) {
    // The documented counters first, in a fixed order; any newer ones after them.
    static const std::vector<std::string> kKnown = {
        "requests", "replies",           "busy",           "timeouts", "unavailable",
        "retried",  "malformed_dropped", "workers_expired"};
    std::vector<std::string> keys;
    for (const auto& k : kKnown) {
      if (b->has(k)) keys.push_back(k);
    }
    std::vector<std::string> names;
    b->getNames(names);
    for (const auto& k : names) {
      if (std::find(kKnown.begin(), kKnown.end(), k) == kKnown.end()) keys.push_back(k);
    }
    std::string line;
    for (const auto& k : keys) {
      std::string label = k;
      std::replace(label.begin(), label.end(), '_', ' ');
      line += (line.empty() ? "" : ", ") + label + " " + text(b, k);
    }
    row("bus", line);
  }
  auto services = o->getArray("services");
  if (!services.isNull() && services->size() > 0) {
    out << '\n';
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < services->size(); ++i) {
      auto s = services->getObject(static_cast<unsigned>(i));
      rows.push_back(
          {text(s, "name"), text(s, "live_workers"), text(s, "queued"), text(s, "in_flight")});
    }
    printTable(out, {"SERVICE", "LIVE WORKERS", "QUEUED", "IN FLIGHT"}, rows);
  } else {
    row("services", "none");
  }
}

void printPlugins(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto plugins = o->getArray("plugins");
  if (plugins.isNull() || plugins->size() == 0) {
    out << "no plugins loaded\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < plugins->size(); ++i) {
    auto p = plugins->getObject(static_cast<unsigned>(i));
    rows.push_back({text(p, "name"), text(p, "version"), text(p, "service"), text(p, "isolation"),
                    text(p, "workers"), text(p, "live"), text(p, "restarts"), text(p, "pid"),
                    text(p, "abi"), text(p, "file")});
  }
  printTable(out,
             {"NAME", "VERSION", "SERVICE", "ISOLATION", "WORKERS", "LIVE", "RESTARTS", "PID",
              "ABI", "FILE"},
             rows);
}

void printCreated(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  // API.md: `accounts create` prints the {account_id, request_token} object, with or without
  // --json.
  o->stringify(out);
  out << '\n';
}

void printAccount(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto row = [&](const std::string& label, const std::string& value) {
    out << label << std::string(label.size() < 18 ? 18 - label.size() : 1, ' ') << value << '\n';
  };
  row("account id", text(o, "account_id"));
  row("e-mail", text(o, "email"));
  row("AGB code", text(o, "agb_code"));
  row("state", text(o, "state"));
  row("created", text(o, "created_at"));
  row("closed", text(o, "closed_at"));
  row("paid through", text(o, "paid_through"));
  row("last activity", text(o, "last_activity_at"));
}

void printDeadletters(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto list = o->getArray("deadletters");
  if (list.isNull() || list->size() == 0) {
    out << "no dead letters\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < list->size(); ++i) {
    auto d = list->getObject(static_cast<unsigned>(i));
    rows.push_back({text(d, "id"), text(d, "service"), text(d, "action"), text(d, "attempts"),
                    text(d, "last_error"), text(d, "created_at")});
  }
  printTable(out, {"ID", "SERVICE", "ACTION", "ATTEMPTS", "LAST ERROR", "CREATED"}, rows);
}

void printReplayed(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "dead letter " << text(o, "id") << " is " << text(o, "state") << " again\n";
}

void printCampaigns(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto list = o->getArray("campaigns");
  if (list.isNull() || list->size() == 0) {
    out << "no campaigns\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < list->size(); ++i) {
    auto c = list->getObject(static_cast<unsigned>(i));
    const std::string waves = text(c, "wave_size") == "0"
                                  ? "-"
                                  : text(c, "wave_size") + "/" + text(c, "wave_interval_s") + "s";
    rows.push_back({text(c, "name"), text(c, "audience"), text(c, "send_at"), text(c, "send_until"),
                    waves, text(c, "queued"), text(c, "delivered"), text(c, "failed"),
                    text(c, "remaining"), text(c, "next_wave_at")});
  }
  printTable(out,
             {"NAME", "AUDIENCE", "SEND AT", "SEND UNTIL", "WAVES", "QUEUED", "DELIVERED", "FAILED",
              "REMAINING", "NEXT WAVE"},
             rows);
}

void printCampaignSent(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "campaign " << text(o, "name") << ": " << text(o, "queued") << " mails queued\n";
}

void printBillingRun(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "billing run " << text(o, "day") << ": " << text(o, "invoices") << " invoices, "
      << text(o, "charges") << " charges queued (" << text(o, "retries") << " retries)\n";
}

void printPayment(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "payment " << text(o, "payment_id") << " is " << text(o, "status") << '\n';
}

void printSynced(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << text(o, "checked") << " payments checked, " << text(o, "changed") << " changed\n";
}

void printBatch(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  const std::string file = text(o, "file");
  out << (file == "-" ? std::string("nothing to collect") : "wrote " + file) << " ("
      << text(o, "count") << " collections for " << text(o, "collection_date") << ")\n";
}

void printSweep(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "retention sweep " << text(o, "day") << ": " << text(o, "deleted") << " accounts deleted ("
      << text(o, "inactive") << " inactive, " << text(o, "closed") << " closed)";
  auto ids = o->getArray("account_ids");
  if (!ids.isNull() && ids->size() > 0) {
    out << ":";
    for (size_t i = 0; i < ids->size(); ++i)
      out << ' ' << ids->get(static_cast<unsigned>(i)).toString();
  }
  out << '\n';
}

void printIncident(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "incident " << text(o, "id") << " is " << text(o, "status") << '\n';
}

void printIncidents(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto list = o.isNull() ? nullptr : o->getArray("incidents");
  if (list.isNull() || list->size() == 0) {
    out << "no incidents in the last 90 days\n";
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto inc = list->getObject(static_cast<unsigned>(i));
    out << text(inc, "id") << "  " << text(inc, "status") << "  " << text(inc, "created_at") << "  "
        << text(inc, "name") << '\n';
  }
}

void printMaintenance(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "maintenance window " << text(o, "id") << " added\n";
}

void printMaintenances(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  auto list = o.isNull() ? nullptr : o->getArray("maintenances");
  if (list.isNull() || list->size() == 0) {
    out << "no maintenance windows\n";
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto m = list->getObject(static_cast<unsigned>(i));
    out << text(m, "id") << "  " << text(m, "starts_at") << " – " << text(m, "ends_at") << "  "
        << text(m, "name") << '\n';
  }
}

void printRemoved(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "maintenance window " << text(o, "id") << " removed\n";
}

void printClock(std::ostream& out, const Poco::JSON::Object::Ptr& o) {
  out << "mode  " << text(o, "mode") << '\n' << "now   " << text(o, "now") << '\n';
}

class Command {
 public:
  Command(const Options& o, std::ostream& out, std::ostream& err) : o_(o), out_(out), err_(err) {}

  // One request; prints the answer with `print` (or as is with --json).
  int call(const std::string& method, const std::string& path, const std::string& body,
           void (*print)(std::ostream&, const Poco::JSON::Object::Ptr&)) {
    std::string token;
    if (std::string e = loadToken(o_, token); !e.empty()) {
      err_ << "berichtctl: " << e << '\n';
      return kExitFailed;
    }
    const AdminClient client(o_.adminUrl, token);
    if (std::string e = client.checkUrl(); !e.empty()) {
      err_ << "berichtctl: " << e << '\n';
      return kExitUsage;
    }
    const AdminAnswer a = client.request(method, path, body);
    if (!a.failure.empty()) {
      err_ << "berichtctl: cannot reach the admin listener at " << o_.adminUrl << ": " << a.failure
           << "\n(is berichtd running, with admin.listen and admin.token set? see --admin)\n";
      return kExitFailed;
    }
    auto json = parseObject(a.body);
    if (a.status >= 400) {
      if (o_.json && !json.isNull()) out_ << a.body << (a.body.ends_with('\n') ? "" : "\n");
      auto e = json.isNull() ? nullptr : json->getObject("error");
      if (!e.isNull() && e->has("code")) {
        err_ << "berichtctl: " << text(e, "code") << ": " << text(e, "message") << " (HTTP "
             << a.status << ")\n";
      } else {
        err_ << "berichtctl: the admin listener answered HTTP " << a.status << " to " << method
             << ' ' << path << '\n';
      }
      return kExitFailed;
    }
    if (json.isNull()) {
      err_ << "berichtctl: the admin listener's answer to " << method << ' ' << path
           << " is not a JSON object (HTTP " << a.status << ")\n";
      return kExitFailed;
    }
    if (o_.json) {
      out_ << a.body << (a.body.ends_with('\n') ? "" : "\n");
    } else {
      print(out_, json);
    }
    return kExitOk;
  }

 private:
  const Options& o_;
  std::ostream& out_;
  std::ostream& err_;
};

int usageError(std::ostream& err, const std::string& why, const char* usage) {
  err << "berichtctl: " << why << "\n\n" << usage;
  return kExitUsage;
}

}  // namespace

int runCtl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  if (std::string e = parseArgs(args, o); !e.empty()) return usageError(err, e, kUsage);
  if (o.positional.empty()) {
    if (o.help) {
      out << kUsage;
      return kExitOk;
    }
    return usageError(err, "no command given", kUsage);
  }
  const std::string& cmd = o.positional[0];
  const std::vector<std::string> rest(o.positional.begin() + 1, o.positional.end());
  Command c(o, out, err);
  if (cmd != "accounts" && (o.email || o.agb || o.created)) {
    return usageError(err, "--email, --agb and --created belong to accounts create", kUsage);
  }
  if (cmd != "billing" && cmd != "retention" && o.date)
    return usageError(err, "--date belongs to billing run and retention sweep", kUsage);
  const bool statusOptions =
      o.name || o.body || o.status || o.starts || o.ends || !o.components.empty();
  if (cmd != "incident" && cmd != "maintenance" && statusOptions)
    return usageError(err,
                      "--name, --body, --status, --starts, --ends and --component belong to "
                      "incident and maintenance",
                      kUsage);

  if (cmd != "import" && (o.dryRun || o.skipInvalid))
    return usageError(err, "--dry-run and --skip-invalid belong to import", kUsage);
  if (cmd == "import") {
    if (o.help) {
      out << kImportHelp;
      return kExitOk;
    }
    ImportArgs importArgs{o.adminUrl, {}, rest, o.dryRun, o.skipInvalid, o.json};
    if (std::string e = loadToken(o, importArgs.token); !e.empty()) {
      err << "berichtctl: " << e << '\n';
      return kExitFailed;
    }
    return runImport(importArgs, out, err);
  }
  if (cmd == "status" || cmd == "plugins") {
    const char* help = cmd == "status" ? kStatusHelp : kPluginsHelp;
    if (o.help) {
      out << help;
      return kExitOk;
    }
    if (!rest.empty()) return usageError(err, cmd + " takes no arguments", help);
    return cmd == "status" ? c.call("GET", "/admin/v1/status", {}, printStatus)
                           : c.call("GET", "/admin/v1/plugins", {}, printPlugins);
  }
  if (cmd == "clock") {
    if (o.help) {
      out << kClockHelp;
      return kExitOk;
    }
    if (rest.size() == 1 && rest[0] == "show")
      return c.call("GET", "/admin/v1/clock", {}, printClock);
    if (rest.size() == 2 && rest[0] == "set") {
      Poco::JSON::Object body;
      body.set("now", rest[1]);
      std::ostringstream text;
      body.stringify(text);
      return c.call("PUT", "/admin/v1/clock", text.str(), printClock);
    }
    if (!rest.empty() && rest[0] == "set")
      return usageError(err, "clock set needs one ISO 8601 time", kClockHelp);
    return usageError(err, "clock needs 'show' or 'set ISO8601'", kClockHelp);
  }
  if (cmd == "accounts") {
    if (o.help) {
      out << kAccountsHelp;
      return kExitOk;
    }
    if (!rest.empty() && rest[0] == "create") {
      if (rest.size() != 1)
        return usageError(err, "accounts create takes no arguments, only options", kAccountsHelp);
      if (!o.email || !o.agb)
        return usageError(err, "accounts create needs --email and --agb", kAccountsHelp);
      Poco::JSON::Object body;
      body.set("email", *o.email);
      body.set("agb_code", *o.agb);
      if (o.created) body.set("created", *o.created);
      std::ostringstream text;
      body.stringify(text);
      return c.call("POST", "/admin/v1/accounts", text.str(), printCreated);
    }
    if (o.email || o.agb || o.created) {
      return usageError(err, "--email, --agb and --created belong to accounts create",
                        kAccountsHelp);
    }
    if (rest.size() == 2 && rest[0] == "show") {
      std::string key;
      Poco::URI::encode(rest[1], "/?#@%&+ ", key);
      return c.call("GET", "/admin/v1/accounts/" + key, {}, printAccount);
    }
    if (!rest.empty() && rest[0] == "show")
      return usageError(err, "accounts show needs one e-mail address or AGB code", kAccountsHelp);
    return usageError(err, "accounts needs 'create' or 'show EMAIL|AGB'", kAccountsHelp);
  }
  if (cmd == "deadletter") {
    if (o.help) {
      out << kDeadletterHelp;
      return kExitOk;
    }
    if (rest.size() == 1 && rest[0] == "list")
      return c.call("GET", "/admin/v1/deadletters", {}, printDeadletters);
    if (rest.size() == 2 && rest[0] == "replay") {
      if (rest[1].empty() || rest[1].find_first_not_of("0123456789") != std::string::npos) {
        return usageError(err, "deadletter replay needs a numeric ID", kDeadletterHelp);
      }
      return c.call("POST", "/admin/v1/deadletters/" + rest[1] + "/replay", "{}", printReplayed);
    }
    return usageError(err, "deadletter needs 'list' or 'replay ID'", kDeadletterHelp);
  }
  if (cmd == "campaign") {
    if (o.help) {
      out << kCampaignHelp;
      return kExitOk;
    }
    if (rest.size() == 1 && rest[0] == "list")
      return c.call("GET", "/admin/v1/campaigns", {}, printCampaigns);
    if (rest.size() == 2 && rest[0] == "send") {
      std::string name;
      Poco::URI::encode(rest[1], "/?#@%&+ ", name);
      return c.call("POST", "/admin/v1/campaigns/" + name + "/send", "{}", printCampaignSent);
    }
    return usageError(err, "campaign needs 'list' or 'send NAME'", kCampaignHelp);
  }
  if (cmd == "billing") {
    if (o.help) {
      out << kBillingHelp;
      return kExitOk;
    }
    if (rest.size() == 1 && rest[0] == "run") {
      Poco::JSON::Object body;
      if (o.date) body.set("date", *o.date);
      std::ostringstream text;
      body.stringify(text);
      return c.call("POST", "/admin/v1/billing/run", text.str(), printBillingRun);
    }
    if (rest.size() == 1 && rest[0] == "batch") {
      Poco::JSON::Object body;
      if (o.date) body.set("date", *o.date);
      std::ostringstream text;
      body.stringify(text);
      return c.call("POST", "/admin/v1/billing/batch", text.str(), printBatch);
    }
    if (o.date) return usageError(err, "--date belongs to billing run and batch", kBillingHelp);
    if (rest.size() == 3 && rest[0] == "fail") {
      Poco::JSON::Object body;
      body.set("reason", rest[2]);
      std::ostringstream text;
      body.stringify(text);
      std::string id;
      Poco::URI::encode(rest[1], "/?#@%&+ ", id);
      return c.call("POST", "/admin/v1/billing/payments/" + id + "/fail", text.str(), printPayment);
    }
    if (!rest.empty() && rest[0] == "fail")
      return usageError(err, "billing fail needs PAYMENT_ID and REASON", kBillingHelp);
    if (rest.size() == 1 && rest[0] == "sync")
      return c.call("POST", "/admin/v1/billing/sync", "{}", printSynced);
    return usageError(err, "billing needs 'run', 'fail PAYMENT_ID REASON', 'sync' or 'batch'",
                      kBillingHelp);
  }
  if (cmd == "retention") {
    if (o.help) {
      out << kRetentionHelp;
      return kExitOk;
    }
    if (rest.size() == 1 && rest[0] == "sweep") {
      Poco::JSON::Object body;
      if (o.date) body.set("date", *o.date);
      std::ostringstream text;
      body.stringify(text);
      return c.call("POST", "/admin/v1/retention/sweep", text.str(), printSweep);
    }
    return usageError(err, "retention needs 'sweep'", kRetentionHelp);
  }
  if (cmd == "incident") {
    if (o.help) {
      out << kIncidentHelp;
      return kExitOk;
    }
    auto states = [&](Poco::JSON::Object& body) -> bool {
      if (o.components.empty()) return true;
      Poco::JSON::Object map;
      for (const auto& item : o.components) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) return false;
        map.set(item.substr(0, eq), item.substr(eq + 1));
      }
      body.set("components", map);
      return true;
    };
    auto numeric = [](const std::string& id) {
      return !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
    };
    auto json = [](const Poco::JSON::Object& body) {
      std::ostringstream t;
      body.stringify(t);
      return t.str();
    };
    if (rest.size() == 1 && rest[0] == "list")
      return c.call("GET", "/admin/v1/incidents", {}, printIncidents);
    if (rest.size() == 1 && rest[0] == "open") {
      if (!o.name || o.components.empty())
        return usageError(err, "incident open needs --name and at least one --component C=STATE",
                          kIncidentHelp);
      Poco::JSON::Object body;
      body.set("name", *o.name);
      body.set("body", o.body.value_or(""));
      if (!states(body)) return usageError(err, "--component takes COMPONENT=STATE", kIncidentHelp);
      return c.call("POST", "/admin/v1/incidents", json(body), printIncident);
    }
    if (rest.size() == 2 && rest[0] == "update" && numeric(rest[1])) {
      if (!o.status) return usageError(err, "incident update needs --status", kIncidentHelp);
      Poco::JSON::Object body;
      body.set("status", *o.status);
      body.set("body", o.body.value_or(""));
      if (!states(body)) return usageError(err, "--component takes COMPONENT=STATE", kIncidentHelp);
      return c.call("POST", "/admin/v1/incidents/" + rest[1] + "/updates", json(body),
                    printIncident);
    }
    if (rest.size() == 2 && rest[0] == "resolve" && numeric(rest[1])) {
      Poco::JSON::Object body;
      body.set("body", o.body.value_or(""));
      return c.call("POST", "/admin/v1/incidents/" + rest[1] + "/resolve", json(body),
                    printIncident);
    }
    return usageError(err, "incident needs 'open', 'update ID', 'resolve ID' or 'list'",
                      kIncidentHelp);
  }
  if (cmd == "maintenance") {
    if (o.help) {
      out << kMaintenanceHelp;
      return kExitOk;
    }
    if (rest.size() == 1 && rest[0] == "list")
      return c.call("GET", "/admin/v1/maintenances", {}, printMaintenances);
    if (rest.size() == 1 && rest[0] == "add") {
      if (!o.name || !o.starts || !o.ends)
        return usageError(err, "maintenance add needs --name, --starts and --ends",
                          kMaintenanceHelp);
      Poco::JSON::Object body;
      body.set("name", *o.name);
      body.set("starts_at", *o.starts);
      body.set("ends_at", *o.ends);
      body.set("body", o.body.value_or(""));
      Poco::JSON::Array list;
      for (const auto& comp : o.components) list.add(comp);
      body.set("components", list);
      std::ostringstream t;
      body.stringify(t);
      return c.call("POST", "/admin/v1/maintenances", t.str(), printMaintenance);
    }
    if (rest.size() == 2 && rest[0] == "remove" && !rest[1].empty() &&
        rest[1].find_first_not_of("0123456789") == std::string::npos)
      return c.call("DELETE", "/admin/v1/maintenances/" + rest[1], {}, printRemoved);
    return usageError(err, "maintenance needs 'add', 'list' or 'remove ID'", kMaintenanceHelp);
  }
  if (cmd == "help") {
    out << kUsage;
    return kExitOk;
  }
  return usageError(err, "unknown command '" + cmd + "'", kUsage);
}

}  // namespace berichtd::ctl
