// The daemon's typed configuration, as loaded from one YAML file (API.md "Configuration").
// Defaults here are the documented ones (conf/berichtd.yaml repeats them). A Config is an
// immutable value once loaded; the daemon shares it across threads as
// std::shared_ptr<const Config> and swaps it whole on SIGHUP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/secret.hpp"

namespace berichtd::config {

struct HttpConfig {
  std::string listen = "127.0.0.1:8080";            // host:port; port 0 picks a free port
  std::string publicUrl = "http://127.0.0.1:8080";  // base of links and webhook URLs
  std::size_t maxBodyBytes = 8 * 1024 * 1024;       // larger request bodies answer 413
  int maxThreads = 16;
  int maxQueued = 64;
  int drainTimeoutMs = 10000;                     // SIGTERM: how long in-flight requests may finish
  std::string kennisbankDir = "docs/kennisbank";  // knowledge-base pages served at /kennisbank
};

struct AdminConfig {
  std::string listen = "127.0.0.1:8081";
  std::optional<Secret> token;  // bearer token; without one the admin listener is off
};

struct StorageConfig {
  std::string url = "sqlite://state/berichtd.db";  // or postgresql://user:pw@host:port/db
  int poolMin = 1;
  int poolMax = 8;
  int busyTimeoutMs = 5000;  // SQLite busy timeout
};

struct ClockConfig {
  std::string mode = "system";       // or "manual"
  std::optional<std::string> start;  // manual mode: ISO 8601 start time (default: now)
};

struct BusConfig {
  std::string endpoint = "ipc://state/bus.sock";  // where out-of-process plugin hosts connect
  int heartbeatMs = 1000;                         // heartbeat interval, both directions
  int liveness = 3;                               // missed heartbeats before a peer counts as dead
  int requestTimeoutMs = 5000;                    // default per-request timeout
  std::size_t queueLimit = 1000;                  // per service; past it requests answer BUSY
  std::size_t maxMessageBytes = 4 * 1024 * 1024;  // larger envelopes are dropped
  int maxRetries = 1;                             // resends of a request whose worker died
};

struct MessagesConfig {
  std::size_t maxBodyBytes =
      1024 * 1024;         // larger bodies answer MESSAGE_TOO_LARGE (issue 4: 1 MiB)
  int maxRecipients = 50;  // distinct recipients per message
  // AES-256-GCM key ring ({file: PATH}, `keyid:64-hex` per line) wrapping the per-account data
  // keys that seal subjects and bodies (D1). Without it the messages API is off.
  std::optional<Secret> masterKey;
  int idempotencyHours =
      24;  // a retry with the same Idempotency-Key within this returns the first answer
  int maxAttempts = 8;          // delivery attempts before a job becomes a dead letter (D3)
  int retryBaseMs = 1000;       // first retry delay; doubles per attempt, with jitter
  int retryMaxMs = 300000;      // cap of the retry delay
  int dispatchConcurrency = 4;  // outbox jobs in flight on the bus at once
  // N1: mail each recipient a "new message" notice through the `mail` service (needs
  // delivery-smtp). "true" | "false".
  std::string notifyByMail = "true";
};

struct ActivationConfig {
  // AC4: from this moment messages to non-activated recipients are refused.
  std::string deadline = "2026-03-01T00:00:00+01:00";
};

// The migration's calendar (SPEC M2, M3, A2; docs/migration-window.md). ISO 8601 with offset.
struct MigrationConfig {
  // M2/M3: the old platform closes; accounts closed 6 months or more before it are not imported.
  std::string cutoff = "2026-02-13T00:00:00+01:00";
  // M3/M4: the phased start-up begins; until then every user path answers 503 MAINTENANCE.
  std::string startup = "2026-02-16T00:00:00+01:00";
  // A2: from here until startup_complete e-mail and AGB code cannot change (ACCOUNT_FROZEN).
  // Seed silent on the day; the mail that asks it also stops the chatbot from 6 February.
  std::string identityFreezeFrom = "2026-02-06T00:00:00+01:00";
  // The end of the phased start-up. Seed silent; the activation deadline (AC4) by default.
  std::string startupComplete = "2026-03-01T00:00:00+01:00";
};

// The public status page (SPEC S1, S2; docs/status.md): its name and the thresholds that turn
// the bus's error rate and latency over the window into a component's state.
struct StatusConfig {
  // One component of the page: its id (in /status.json, incidents, the status-push mapping),
  // the name people read, the bus services it needs (none live: major_outage) and those it
  // can do without (none live: partial_outage).
  struct Component {
    std::string id;
    std::string name;
    std::vector<std::string> services;
    std::vector<std::string> optionalServices;
    bool operator==(const Component&) const = default;
  };
  // SPEC S1's four, in page order; `status.components` replaces the whole list.
  std::vector<Component> components = {
      {"login", "Inloggen", {"auth"}, {}},
      {"berichten", "Berichten", {"delivery"}, {}},
      {"betalingen", "Betalingen", {}, {"billing"}},
      {"website", "Website", {}, {}},
  };
  std::string pageName = "ZilliZ berichtenapp";
  int degradedPercent = 5;
  int outagePercent = 25;
  int slowMs = 2000;
  int minRequests = 20;
  int windowSeconds = 300;
  // How often component states are compared and changes handed to a `status` plugin (ms).
  int pushPollMs = 10000;
  // Bus services asked `ping` (whether the outside party behind them can be reached, S2) every
  // probeIntervalMs, each answer awaited probeTimeoutMs; only the loaded ones are asked.
  std::vector<std::string> probeServices = {"billing"};
  int probeIntervalMs = 30000;
  int probeTimeoutMs = 5000;
};

struct BillingConfig {
  // SPEC B1: the monthly price excl. VAT in cents from each date on (YYYY-MM-DD, increasing).
  struct Tariff {
    std::string from;
    int64_t monthlyExclCents = 0;
    bool operator==(const Tariff&) const = default;
  };
  std::vector<Tariff> tariffs = {{"2026-01-01", 1350}};
  // The supplier on every invoice (B8; Wet OB art. 35a). Empty until configured.
  std::string supplierName;
  std::string supplierAddress;    // lines separated by "\n"
  std::string supplierKvk;        // 8 digits
  std::string supplierVatNumber;  // NL123456789B01
  // TrueType font embedded in invoice PDFs (Debian fonts-dejavu-core); its -Bold beside it.
  std::string invoiceFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  // B7: days after a failed or charged-back debit before each new attempt; after the last the
  // invoice stays open for the operator. Seed silent; decision (docs/billing.md).
  std::vector<int> retryDays = {8, 8, 8};
  // The {provider} of the webhook URL the provider is given: /api/v1/webhooks/{provider}.
  std::string provider = "mollie";
  // The scheduler's daily billing run starts at this hour (Europe/Amsterdam, platform clock).
  int runHour = 6;
  // Accounts per transaction of a billing run (each chunk commits on its own; a killed run
  // keeps whole chunks). Larger is faster, smaller holds the database's writer less long.
  int runChunkSize = 500;
  // How often the billing scheduler looks at the clock (milliseconds of real time).
  int schedulerPollMs = 30000;
};

// Campaigns (SPEC N1, M4; docs/campaigns.md): the campaigns file and how often the scheduler
// looks at the platform clock for due campaigns and waves.
struct CampaignsConfig {
  std::string file;  // e.g. conf/campaigns.yaml (relative to the working folder); "": none
  int schedulerPollMs = 30000;
};

// Retention (SPEC R1-R3; docs/retention.md).
struct RetentionConfig {
  // The daily sweep starts at this hour (Europe/Amsterdam, platform clock).
  int runHour = 3;
  // R1: an account without activity for this many calendar months is deleted.
  int inactivityMonths = 6;
  // R2: a closed account is deleted this many calendar months after its closure date.
  int closedMonths = 6;
  // How often the retention scheduler looks at the clock (milliseconds of real time).
  int schedulerPollMs = 30000;
};

struct LogConfig {
  std::string level = "information";  // debug | information | warning | error
};

struct PluginEntry {
  std::string name;                    // the key under plugins:, also the library name
  std::string isolation = "thread";    // thread (in-process) | process (berichtd-plugin-host)
  std::optional<std::string> service;  // overrides the service the plugin declares
  int workers = 2;                     // worker threads serving the bus
  std::map<std::string, std::string> values;  // the plugin's own keys, flattened, dotted
  std::map<std::string, Secret> secrets;      // the plugin's {file: PATH} keys, dotted
  std::string yaml;                           // the plugin's section as YAML text
};

struct PluginsConfig {
  std::string dir = "build/plugins";
  std::vector<PluginEntry> entries;
};

struct Config {
  std::string path;  // the file it was read from
  HttpConfig http;
  AdminConfig admin;
  StorageConfig storage;
  ClockConfig clock;
  BusConfig bus;
  MessagesConfig messages;
  ActivationConfig activation;
  MigrationConfig migration;
  BillingConfig billing;
  StatusConfig status;
  CampaignsConfig campaigns;
  RetentionConfig retention;
  LogConfig log;
  PluginsConfig plugins;
};

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error has no position (e.g. unreadable file)
  int column = 0;  // 1-based
  std::string message;
  std::string toString() const;  // "FILE:LINE:COL: message"
};

struct LoadResult {
  std::optional<Config> config;     // set only when errors is empty
  std::vector<ConfigError> errors;  // every error found, in file order
};

// Reads and validates a configuration file. overrides are "dotted.key=VALUE" strings from
// --set, applied before validation (VALUE is parsed as YAML). Relative {file: PATH} secrets
// are resolved against the configuration file's folder.
LoadResult loadConfigFile(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from YAML text; fileName is used in error messages, baseDir for relative paths.
LoadResult parseConfig(const std::string& yamlText, const std::string& fileName,
                       const std::vector<std::string>& overrides = {},
                       const std::string& baseDir = ".");

// One row of the declarative schema behind the loader (docs/configuration.md lists the same):
// the dotted YAML key, a short type description and the default rendered as text ("" when
// the key has no default). plugins.NAME entries are not rows; their reserved keys are.
struct SchemaRow {
  std::string path;
  std::string type;
  std::string defaultValue;
};
std::vector<SchemaRow> schema();

}  // namespace berichtd::config
