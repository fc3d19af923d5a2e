#include "config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace berichtd::config {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> errorStrings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.toString());
  return out;
}

// A scratch folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("berichtd-config-test-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// ---- one test per invalid configuration -------------------------------------------------

struct InvalidCase {
  std::string name;
  std::string yaml;
  std::vector<std::string> overrides;
  std::vector<std::string> errors;
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class InvalidConfig : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidConfig, ReportsExactErrors) {
  const auto& c = GetParam();
  LoadResult r = parseConfig(c.yaml, "t.yaml", c.overrides);
  EXPECT_FALSE(r.config.has_value());
  EXPECT_EQ(errorStrings(r), c.errors);
}

const InvalidCase kInvalid[] = {
    // status.components (SPEC S1; issue 6 item 1: the components are configurable).
    {"MigrationWindowBackwards",
     "migration:\n  cutoff: \"2026-02-16T00:00:00+01:00\"\n  startup: \"2026-02-13T00:00:00+01:00\"\n",
     {},
     {"t.yaml:3:12: migration.startup: 2026-02-13T00:00:00+01:00 must come after "
      "migration.cutoff (2026-02-16T00:00:00+01:00)"}},
    {"MigrationFreezeAfterStartupComplete",
     "migration:\n  identity_freeze_from: \"2026-04-01T00:00:00+02:00\"\n",
     {},
     {"t.yaml:2:25: migration.startup_complete: 2026-03-01T00:00:00+01:00 must come after "
      "migration.identity_freeze_from (2026-04-01T00:00:00+02:00)"}},
    {"ProbeServicesNotAList", "status:\n  probe_services: billing\n", {},
     {"t.yaml:2:19: status.probe_services: expected a list of bus service names, got 'billing'"}},
    {"ProbeIntervalTooShort", "status:\n  probe_interval_ms: 50\n", {},
     {"t.yaml:2:22: status.probe_interval_ms: 50 is out of range (100-3600000)"}},
    {"ComponentsEmpty",
     "status:\n  components: []\n",
     {},
     {"t.yaml:2:15: status.components: expected a non-empty list of {id, name, services, "
      "optional_services}, got an empty list"}},
    {"ComponentNotAMap",
     "status:\n  components:\n    - login\n",
     {},
     {"t.yaml:3:7: status.components[0]: expected {id, name, services, optional_services}, got "
      "'login'"}},
    {"ComponentDuplicateIdAndBadService",
     "status:\n  components:\n    - {id: login, name: Inloggen, services: [auth]}\n"
     "    - {id: login, name: Nog eens, services: [Auth]}\n",
     {},
     {"t.yaml:4:12: status.components[1].id: 'login' is already the id of status.components[0]",
      "t.yaml:4:46: status.components[1].services[0]: 'Auth' is not a bus service name (a-z, 0-9, "
      "'-', '_')"}},
    {"ComponentMissingNameUnknownKeyBothLists",
     "status:\n  components:\n    - id: kassa\n      servces: [billing]\n"
     "    - {id: archief, name: Archief, services: [mail], optional_services: [mail]}\n",
     {},
     {"t.yaml:3:7: status.components[0]: 'name' is required",
      "t.yaml:4:7: unknown key 'status.components[0].servces' (did you mean "
      "'status.components[0].services'?)",
      "t.yaml:5:7: status.components[1]: 'mail' is in both services and optional_services"}},
    {"TariffsNotAList",
     "billing:\n  tariffs: 1350\n",
     {},
     {"t.yaml:2:12: billing.tariffs: expected a list of {from: YYYY-MM-DD, monthly_excl_cents: N}, "
      "got '1350'"}},
    {"TariffBadDate",
     "billing:\n  tariffs:\n    - {from: 2026-02-30, monthly_excl_cents: 1350}\n",
     {},
     {"t.yaml:3:14: billing.tariffs[0].from: '2026-02-30' is not an existing date written "
      "YYYY-MM-DD"}},
    {"TariffNegativePrice",
     "billing:\n  tariffs:\n    - {from: 2026-01-01, monthly_excl_cents: -5}\n",
     {},
     {"t.yaml:3:46: billing.tariffs[0].monthly_excl_cents: -5 is out of range (0-1000000000)"}},
    {"TariffsOutOfOrder",
     "billing:\n  tariffs:\n    - {from: 2027-01-01, monthly_excl_cents: 1425}\n"
     "    - {from: 2026-01-01, monthly_excl_cents: 1350}\n",
     {},
     {"t.yaml:4:14: billing.tariffs[1].from: 2026-01-01 must come after 2027-01-01 (tariffs in "
      "increasing date order)"}},
    {"TariffMissingPriceAndUnknownKey",
     "billing:\n  tariffs:\n    - from: 2026-01-01\n      prijs: 1350\n",
     {},
     {"t.yaml:3:7: billing.tariffs[0]: 'monthly_excl_cents' is required",
      "t.yaml:4:7: unknown key 'billing.tariffs[0].prijs'"}},
    {"RetryDaysNotAList",
     "billing:\n  retry_days: 8\n",
     {},
     {"t.yaml:2:15: billing.retry_days: expected a list of whole numbers of days, got '8'"}},
    {"RetryDayOutOfRange",
     "billing:\n  retry_days: [8, 0, 90]\n",
     {},
     {"t.yaml:2:19: billing.retry_days[1]: 0 is out of range (1-60)",
      "t.yaml:2:22: billing.retry_days[2]: 90 is out of range (1-60)"}},
    {"RunHourOutOfRange",
     "billing:\n  run_hour: 24\n",
     {},
     {"t.yaml:2:13: billing.run_hour: 24 is out of range (0-23)"}},
    {"SupplierKvk",
     "billing:\n  supplier_kvk: \"1234\"\n",
     {},
     {"t.yaml:2:17: billing.supplier_kvk: expected a KvK number of 8 digits, got '1234'"}},
    {"SupplierVatNumber",
     "billing:\n  supplier_vat_number: NL12345678B01\n",
     {},
     {"t.yaml:2:24: billing.supplier_vat_number: expected a Dutch VAT number like "
      "NL123456789B01, got 'NL12345678B01'"}},
    {"BillingUnknownKey",
     "billing:\n  tarifs: []\n",
     {},
     {"t.yaml:2:3: unknown key 'billing.tarifs' (did you mean 'billing.tariffs'?)"}},
    {"UnknownSection",
     "htp:\n  listen: a:1\n",
     {},
     {"t.yaml:1:1: unknown key 'htp' (did you mean 'http'?)"}},
    {"UnknownSectionNoSuggestion", "frobnicate: 1\n", {}, {"t.yaml:1:1: unknown key 'frobnicate'"}},
    {"UnknownKeyWithSuggestion",
     "http:\n  listn: \"127.0.0.1:1\"\n",
     {},
     {"t.yaml:2:3: unknown key 'http.listn' (did you mean 'http.listen'?)"}},
    {"WholeNumberExpected",
     "http:\n  max_body_bytes: lots\n",
     {},
     {"t.yaml:2:19: http.max_body_bytes: expected a whole number, got 'lots'"}},
    {"WholeNumberGotMap",
     "http:\n  max_threads: {a: 1}\n",
     {},
     {"t.yaml:2:16: http.max_threads: expected a whole number, got a map"}},
    {"OutOfRange",
     "http:\n  max_threads: 0\n",
     {},
     {"t.yaml:2:16: http.max_threads: 0 is out of range (1-1024)"}},
    {"NegativeOutOfRange",
     "bus:\n  max_retries: -1\n",
     {},
     {"t.yaml:2:16: bus.max_retries: -1 is out of range (0-100)"}},
    {"BadEnum",
     "log:\n  level: verbose\n",
     {},
     {"t.yaml:2:10: log.level: 'verbose' is not one of debug, information, warning, error"}},
    {"BadClockMode",
     "clock: {mode: fast}\n",
     {},
     {"t.yaml:1:15: clock.mode: 'fast' is not one of system, manual"}},
    {"ListenNoPort",
     "http:\n  listen: localhost\n",
     {},
     {"t.yaml:2:11: http.listen: expected host:port with a port 0-65535, got 'localhost'"}},
    {"ListenPortTooBig",
     "admin:\n  listen: \"127.0.0.1:65536\"\n",
     {},
     {"t.yaml:2:11: admin.listen: expected host:port with a port 0-65535, got '127.0.0.1:65536'"}},
    {"StorageScheme",
     "storage:\n  url: \"mysql://u:pw@h/db\"\n",
     {},
     {"t.yaml:2:8: storage.url: must start with sqlite:// or postgresql:// (got scheme 'mysql')"}},
    {"StorageNoScheme",
     "storage:\n  url: berichtd.db\n",
     {},
     {"t.yaml:2:8: storage.url: must start with sqlite:// or postgresql:// (got no scheme)"}},
    {"PublicUrlScheme",
     "http:\n  public_url: ftp://x\n",
     {},
     {"t.yaml:2:15: http.public_url: expected an http:// or https:// URL, got 'ftp://x'"}},
    {"ClockStart",
     "clock:\n  mode: manual\n  start: yesterday\n",
     {},
     {"t.yaml:3:10: clock.start: expected an ISO 8601 time, got 'yesterday'"}},
    {"ActivationDeadline",
     "activation:\n  deadline: 1 maart\n",
     {},
     {"t.yaml:2:13: activation.deadline: expected an ISO 8601 time, got '1 maart'"}},
    {"MigrationCutoff",
     "migration:\n  cutoff: 13 februari\n",
     {},
     {"t.yaml:2:11: migration.cutoff: expected an ISO 8601 time, got '13 februari'"}},
    {"MessagesRecipientsRange",
     "messages:\n  max_recipients: 0\n",
     {},
     {"t.yaml:2:19: messages.max_recipients: 0 is out of range (1-10000)"}},
    {"SyntaxError",
     "http:\n  listen: [1, 2\n",
     {},
     {"t.yaml:3:1: YAML syntax error: end of sequence flow not found"}},
    {"TopLevelScalar",
     "just text\n",
     {},
     {"t.yaml:1:1: the top level must be a map of sections, got a scalar"}},
    {"TopLevelSequence",
     "- a\n- b\n",
     {},
     {"t.yaml:1:1: the top level must be a map of sections, got a sequence"}},
    {"SectionNotMap", "http: 5\n", {}, {"t.yaml:1:7: http: expected a map, got '5'"}},
    {"DuplicateKey",
     "log:\n  level: debug\n  level: error\n",
     {},
     {"t.yaml:3:3: duplicate key 'log.level'"}},
    {"TokenInline",
     "admin:\n  token: hunter2\n",
     {},
     {"t.yaml:2:10: admin.token: expected {file: PATH} or {credential: NAME}; secrets are never "
      "inline"}},
    {"SecretFileMissing",
     "admin:\n  token: {file: /nonexistent/berichtd/token}\n",
     {},
     {"t.yaml:2:17: admin.token: cannot read secret file '/nonexistent/berichtd/token'"}},
    {"PluginNotMap",
     "plugins:\n  echo: 3\n",
     {},
     {"t.yaml:2:9: plugins.echo: expected a map of the plugin's settings, got '3'"}},
    {"PluginWorkers",
     "plugins:\n  echo: {workers: 65}\n",
     {},
     {"t.yaml:2:19: plugins.echo.workers: 65 is out of range (1-64)"}},
    {"PluginIsolation",
     "plugins:\n  echo:\n    isolation: fork\n",
     {},
     {"t.yaml:3:16: plugins.echo.isolation: 'fork' is not one of thread, process"}},
    {"PoolMinAboveMax",
     "storage:\n  pool_min: 9\n  pool_max: 4\n",
     {},
     {"t.yaml:2:13: storage.pool_min: 9 is greater than storage.pool_max (4)"}},
    {"OverrideUnknownKey",
     "",
     {"http.listn=127.0.0.1:0"},
     {"--set:1:6: unknown key 'http.listn' (did you mean 'http.listen'?)"}},
    {"OverrideUnknownSection",
     "",
     {"htp.listen=1"},
     {"--set:1:1: unknown key 'htp' (did you mean 'http'?)"}},
    {"OverrideBadValue",
     "",
     {"http.max_threads=many"},
     {"--set:1:18: http.max_threads: expected a whole number, got 'many'"}},
    {"OverrideNoEquals",
     "",
     {"http.listen"},
     {"--set:1:1: malformed override 'http.listen' (expected KEY=VALUE)"}},
    {"OverrideEmptySegment",
     "",
     {"http..listen=1"},
     {"--set:1:6: malformed override key 'http..listen' (empty segment)"}},
    {"OverrideThroughScalar",
     "log: {level: debug}\n",
     {"log.level.x=1"},
     {"--set:1:11: cannot set 'log.level.x': 'log.level' is not a map"}},
    {"MultipleErrorsInFileOrder",
     "http:\n  listen: nope\n  max_threads: x\nstorage:\n  url: bad\nfoo: 1\n",
     {"log.level=loud"},
     {"t.yaml:2:11: http.listen: expected host:port with a port 0-65535, got 'nope'",
      "t.yaml:3:16: http.max_threads: expected a whole number, got 'x'",
      "t.yaml:5:8: storage.url: must start with sqlite:// or postgresql:// (got no scheme)",
      "t.yaml:6:1: unknown key 'foo'",
      "--set:1:11: log.level: 'loud' is not one of debug, information, warning, error"}},
};

INSTANTIATE_TEST_SUITE_P(Config, InvalidConfig, ::testing::ValuesIn(kInvalid),
                         [](const auto& testInfo) { return testInfo.param.name; });

// ---- valid configurations -----------------------------------------------------------------

TEST(ConfigLoad, EmptyDocumentGivesDefaults) {
  LoadResult r = parseConfig("", "t.yaml");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  const Config& c = *r.config;
  Config d;
  EXPECT_EQ(c.http.listen, d.http.listen);
  EXPECT_EQ(c.http.maxBodyBytes, 8u * 1024u * 1024u);
  EXPECT_EQ(c.storage.url, "sqlite://state/berichtd.db");
  EXPECT_EQ(c.clock.mode, "system");
  EXPECT_FALSE(c.clock.start.has_value());
  EXPECT_FALSE(c.admin.token.has_value());
  EXPECT_EQ(c.log.level, "information");
  EXPECT_EQ(c.plugins.dir, "build/plugins");
  EXPECT_TRUE(c.plugins.entries.empty());
  EXPECT_EQ(c.messages.maxBodyBytes, 1024u * 1024u);  // issue 4: bodies up to 1 MiB
  EXPECT_EQ(c.messages.maxRecipients, 50);
  EXPECT_FALSE(c.messages.masterKey.has_value());
  EXPECT_EQ(c.messages.idempotencyHours, 24);
  EXPECT_EQ(c.activation.deadline, "2026-03-01T00:00:00+01:00");  // AC4
  EXPECT_EQ(c.migration.cutoff, "2026-02-13T00:00:00+01:00");  // M2, M3
  EXPECT_EQ(c.path, "t.yaml");
}

TEST(ConfigLoad, NullSectionsKeepDefaults) {
  LoadResult r = parseConfig("http:\nadmin:\n  token:\nplugins:\n", "t.yaml");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->http.maxThreads, 16);
}

TEST(ConfigLoad, AllKeysParsed) {
  LoadResult r = parseConfig(
      "http: {listen: \"[::1]:0\", public_url: \"https://b.example.nl\", max_body_bytes: 10, "
      "max_threads: 2,"
      " max_queued: 0, drain_timeout_ms: 5}\n"
      "admin: {listen: \"0.0.0.0:9\"}\n"
      "storage: {url: \"postgresql://u:p@h:5432/db\", pool_min: 2, pool_max: 3, busy_timeout_ms: "
      "7}\n"
      "clock: {mode: manual, start: \"2026-03-01T00:00:00Z\"}\n"
      "bus: {endpoint: \"inproc://x\", heartbeat_ms: 100, liveness: 5, request_timeout_ms: 9, "
      "queue_limit: 4,"
      " max_message_bytes: 2048, max_retries: 0}\n"
      "log: {level: debug}\n"
      "plugins: {dir: /p}\n",
      "t.yaml");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.http.listen, "[::1]:0");
  EXPECT_EQ(c.http.publicUrl, "https://b.example.nl");
  EXPECT_EQ(c.http.maxBodyBytes, 10u);
  EXPECT_EQ(c.http.maxThreads, 2);
  EXPECT_EQ(c.http.maxQueued, 0);
  EXPECT_EQ(c.http.drainTimeoutMs, 5);
  EXPECT_EQ(c.admin.listen, "0.0.0.0:9");
  EXPECT_EQ(c.storage.url, "postgresql://u:p@h:5432/db");
  EXPECT_EQ(c.storage.poolMin, 2);
  EXPECT_EQ(c.storage.poolMax, 3);
  EXPECT_EQ(c.storage.busyTimeoutMs, 7);
  EXPECT_EQ(c.clock.mode, "manual");
  EXPECT_EQ(c.clock.start, "2026-03-01T00:00:00Z");
  EXPECT_EQ(c.bus.endpoint, "inproc://x");
  EXPECT_EQ(c.bus.heartbeatMs, 100);
  EXPECT_EQ(c.bus.liveness, 5);
  EXPECT_EQ(c.bus.requestTimeoutMs, 9);
  EXPECT_EQ(c.bus.queueLimit, 4u);
  EXPECT_EQ(c.bus.maxMessageBytes, 2048u);
  EXPECT_EQ(c.bus.maxRetries, 0);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.plugins.dir, "/p");
}

// ---- --set --------------------------------------------------------------------------------

TEST(ConfigOverride, EveryForm) {
  LoadResult r =
      parseConfig("http:\n  listen: \"127.0.0.1:8080\"\nplugins:\n  echo: {}\n", "t.yaml",
                  {"http.listen=127.0.0.1:0",                 // replaces a key in the file
                   "plugins.echo.workers=4",                  // adds a key to an existing map
                   "clock.mode=manual",                       // creates a missing section
                   "plugins.other.list=[a, b]",               // flow sequence, new plugin
                   "plugins.other.nested={x: 1}",             // flow map
                   "bus.endpoint=",                           // empty value = null: rejected below?
                   "log.level=debug", "log.level=warning"});  // the last one wins
  // bus.endpoint= is null, which a string key rejects; check that separately.
  ASSERT_FALSE(r.config.has_value());
  EXPECT_EQ(errorStrings(r),
            std::vector<std::string>{"--set:1:14: bus.endpoint: expected a string, got nothing"});

  r = parseConfig("http:\n  listen: \"127.0.0.1:8080\"\nplugins:\n  echo: {}\n", "t.yaml",
                  {"http.listen=127.0.0.1:0", "plugins.echo.workers=4", "clock.mode=manual",
                   "plugins.other.list=[a, b]", "plugins.other.nested={x: 1}", "log.level=debug",
                   "log.level=warning", "http.public_url=https://x.example=1"});
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  const Config& c = *r.config;
  EXPECT_EQ(c.http.listen, "127.0.0.1:0");
  EXPECT_EQ(c.clock.mode, "manual");
  EXPECT_EQ(c.log.level, "warning");
  EXPECT_EQ(c.http.publicUrl, "https://x.example=1");  // only the first '=' splits
  ASSERT_EQ(c.plugins.entries.size(), 2u);
  EXPECT_EQ(c.plugins.entries[0].name, "echo");
  EXPECT_EQ(c.plugins.entries[0].workers, 4);
  EXPECT_EQ(c.plugins.entries[1].name, "other");
  EXPECT_EQ(c.plugins.entries[1].values, (std::map<std::string, std::string>{
                                             {"list.0", "a"}, {"list.1", "b"}, {"nested.x", "1"}}));
}

// ---- secrets ------------------------------------------------------------------------------

TEST(ConfigSecrets, FromFileRelativeToConfigFolder) {
  TempDir dir;
  fs::create_directories(dir.path() / "conf");
  dir.write("admin.token", "s3cret-admin\n");
  dir.write("mollie.key", "s3cret-mollie");
  fs::path conf = dir.write("conf/b.yaml",
                            "admin:\n  token: {file: ../admin.token}\n"
                            "plugins:\n  billing-mollie:\n    api_url: https://api.mollie.com\n"
                            "    api_key: {file: " +
                                (dir.path() / "mollie.key").string() + "}\n");
  LoadResult r = loadConfigFile(conf.string());
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  ASSERT_TRUE(r.config->admin.token.has_value());
  EXPECT_EQ(r.config->admin.token->reveal(), "s3cret-admin");  // trailing newline stripped
  EXPECT_EQ(r.config->admin.token->describe(), "<secret from ../admin.token>");
  const PluginEntry& p = r.config->plugins.entries.at(0);
  EXPECT_EQ(p.secrets.at("api_key").reveal(), "s3cret-mollie");
  EXPECT_EQ(p.values.count("api_key"), 0u);
  EXPECT_EQ(p.yaml.find("s3cret"), std::string::npos);
}

TEST(ConfigSecrets, FromCredentialsDirectory) {
  TempDir dir;
  dir.write("admin", "cred-value\n");
  ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  LoadResult r = parseConfig("admin: {token: {credential: admin}}\n", "t.yaml");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->admin.token->reveal(), "cred-value");
  EXPECT_EQ(r.config->admin.token->describe().find("cred-value"), std::string::npos);
}

TEST(ConfigSecrets, CredentialWithoutDirectoryIsAnError) {
  ::unsetenv("CREDENTIALS_DIRECTORY");
  LoadResult r = parseConfig("admin: {token: {credential: admin}}\n", "t.yaml");
  EXPECT_EQ(errorStrings(r),
            std::vector<std::string>{"t.yaml:1:29: admin.token: {credential: admin} needs "
                                     "$CREDENTIALS_DIRECTORY (systemd LoadCredential=)"});
}

TEST(ConfigSecrets, EmptyFileIsAnError) {
  TempDir dir;
  dir.write("empty", "\n");
  LoadResult r = parseConfig("admin:\n  token: {file: empty}\n", "t.yaml", {}, dir.path().string());
  EXPECT_EQ(errorStrings(r),
            std::vector<std::string>{"t.yaml:2:17: admin.token: secret file '" +
                                     (dir.path() / "empty").string() + "' is empty"});
}

TEST(ConfigSecrets, SecretTextNeverInErrors) {
  TempDir dir;
  dir.write("tok", "TOPSECRET");
  // Valid secret plus unrelated errors, and an inline attempt: no message may carry the text.
  LoadResult r = parseConfig(
      "admin:\n  token: {file: tok}\nhttp: {max_threads: x}\nplugins:\n  p: {k: {file: tok}, "
      "workers: 0}\n",
      "t.yaml", {"admin.listen=TOPSECRET"}, dir.path().string());
  ASSERT_FALSE(r.errors.empty());
  for (const auto& e : errorStrings(r)) EXPECT_EQ(e.find("TOPSECRET:"), std::string::npos) << e;
  r = parseConfig("admin: {token: TOPSECRET}\n", "t.yaml");
  for (const auto& e : errorStrings(r)) EXPECT_EQ(e.find("TOPSECRET"), std::string::npos) << e;
  r = parseConfig("storage: {url: \"mysql://u:TOPSECRET@h/db\"}\n", "t.yaml");
  for (const auto& e : errorStrings(r)) EXPECT_EQ(e.find("TOPSECRET"), std::string::npos) << e;
  r = parseConfig("", "t.yaml", {"admin.token"});  // malformed, the key only is quoted
  for (const auto& e : errorStrings(r)) EXPECT_EQ(e.find("TOPSECRET"), std::string::npos) << e;
}

// ---- plugins ------------------------------------------------------------------------------

TEST(ConfigPlugins, FlatteningAndReservedKeys) {
  TempDir dir;
  dir.write("key", "PLUGINSECRET\n");
  LoadResult r = parseConfig(
      "plugins:\n"
      "  dir: /usr/lib/berichtd/plugins\n"
      "  delivery-smtp:\n"
      "    isolation: process\n"
      "    service: mail\n"
      "    workers: 3\n"
      "    host: 127.0.0.1\n"
      "    port: 25\n"
      "    tls: {mode: optional, ca: {file: key}}\n"
      "    relays: [a.example, b.example]\n"
      "    empty:\n"
      "  echo: {}\n"
      "  bare:\n",
      "t.yaml", {}, dir.path().string());
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  const auto& entries = r.config->plugins.entries;
  ASSERT_EQ(entries.size(), 3u);
  const PluginEntry& smtp = entries[0];
  EXPECT_EQ(smtp.name, "delivery-smtp");
  EXPECT_EQ(smtp.isolation, "process");
  EXPECT_EQ(smtp.service, "mail");
  EXPECT_EQ(smtp.workers, 3);
  EXPECT_EQ(smtp.values, (std::map<std::string, std::string>{{"host", "127.0.0.1"},
                                                             {"port", "25"},
                                                             {"tls.mode", "optional"},
                                                             {"relays.0", "a.example"},
                                                             {"relays.1", "b.example"},
                                                             {"empty", ""}}));
  ASSERT_EQ(smtp.secrets.size(), 1u);
  EXPECT_EQ(smtp.secrets.at("tls.ca").reveal(), "PLUGINSECRET");
  EXPECT_EQ(entries[1].name, "echo");
  EXPECT_EQ(entries[1].isolation, "thread");
  EXPECT_EQ(entries[1].workers, 2);
  EXPECT_FALSE(entries[1].service.has_value());
  EXPECT_TRUE(entries[1].values.empty());
  EXPECT_EQ(entries[2].name, "bare");
  EXPECT_EQ(r.config->plugins.dir, "/usr/lib/berichtd/plugins");
}

TEST(ConfigPlugins, EmittedYaml) {
  TempDir dir;
  dir.write("key", "PLUGINSECRET");
  LoadResult r = parseConfig(
      "plugins:\n"
      "  smtp:\n"
      "    workers: 3\n"
      "    host: 127.0.0.1\n"
      "    from: \"Berichten <noreply@example.nl>\"\n"
      "    tls: {mode: optional, ca: {file: key}}\n"
      "    relays: [a, b]\n"
      "  echo: {}\n"
      "  bare:\n",
      "t.yaml", {}, dir.path().string());
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  const std::string& y = r.config->plugins.entries[0].yaml;
  EXPECT_EQ(y,
            "workers: 3\n"
            "host: 127.0.0.1\n"
            "from: Berichten <noreply@example.nl>\n"
            "tls:\n"
            "  mode: optional\n"
            "  ca: {file: key}\n"
            "relays:\n"
            "  - a\n"
            "  - b");
  EXPECT_EQ(y.find("PLUGINSECRET"), std::string::npos);
  // The emitted text reads back to the same tree.
  YAML::Node back = YAML::Load(y);
  EXPECT_EQ(back["tls"]["ca"]["file"].as<std::string>(), "key");
  EXPECT_EQ(r.config->plugins.entries[1].yaml, "{}");
  EXPECT_EQ(r.config->plugins.entries[2].yaml, "{}");
}

// ---- file loading -------------------------------------------------------------------------

TEST(ConfigFile, MissingFileHasNoPosition) {
  LoadResult r = loadConfigFile("/nonexistent/berichtd.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 0);
  EXPECT_EQ(r.errors[0].toString(),
            "/nonexistent/berichtd.yaml: cannot read the configuration file");
}

TEST(ConfigFile, ShippedExampleIsValidAndHoldsTheDefaults) {
  // conf/berichtd.yaml reads its token from ../state/admin.token; copy it beside a temp state/.
  TempDir dir;
  fs::create_directories(dir.path() / "conf");
  fs::create_directories(dir.path() / "state");
  dir.write("state/admin.token", "local-admin-token\n");
  dir.write("state/auth.key", "k1:" + std::string(64, 'c') + "\n");
  dir.write("state/messages.key", "m1:" + std::string(64, 'c') + "\n");
  fs::copy_file(fs::path(BERICHTD_SOURCE_DIR) / "conf/berichtd.yaml",
                dir.path() / "conf/berichtd.yaml");
  LoadResult r = loadConfigFile((dir.path() / "conf/berichtd.yaml").string());
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  const Config& c = *r.config;
  const Config d;
  EXPECT_EQ(c.http.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.http.publicUrl, d.http.publicUrl);
  EXPECT_EQ(c.http.maxBodyBytes, d.http.maxBodyBytes);
  EXPECT_EQ(c.http.maxThreads, d.http.maxThreads);
  EXPECT_EQ(c.http.maxQueued, d.http.maxQueued);
  EXPECT_EQ(c.http.drainTimeoutMs, d.http.drainTimeoutMs);
  EXPECT_EQ(c.admin.listen, "127.0.0.1:8081");
  ASSERT_TRUE(c.admin.token.has_value());
  EXPECT_EQ(c.admin.token->reveal(), "local-admin-token");
  EXPECT_EQ(c.storage.url, "sqlite://state/berichtd.db");
  EXPECT_EQ(c.storage.url, d.storage.url);
  EXPECT_EQ(c.storage.poolMin, d.storage.poolMin);
  EXPECT_EQ(c.storage.poolMax, d.storage.poolMax);
  EXPECT_EQ(c.storage.busyTimeoutMs, d.storage.busyTimeoutMs);
  EXPECT_EQ(c.clock.mode, d.clock.mode);
  EXPECT_EQ(c.clock.start, d.clock.start);
  EXPECT_EQ(c.bus.endpoint, d.bus.endpoint);
  EXPECT_EQ(c.bus.heartbeatMs, d.bus.heartbeatMs);
  EXPECT_EQ(c.bus.liveness, d.bus.liveness);
  EXPECT_EQ(c.bus.requestTimeoutMs, d.bus.requestTimeoutMs);
  EXPECT_EQ(c.bus.queueLimit, d.bus.queueLimit);
  EXPECT_EQ(c.bus.maxMessageBytes, d.bus.maxMessageBytes);
  EXPECT_EQ(c.bus.maxRetries, d.bus.maxRetries);
  EXPECT_EQ(c.log.level, d.log.level);
  EXPECT_EQ(c.plugins.dir, "build/plugins");
  EXPECT_EQ(c.messages.maxBodyBytes, d.messages.maxBodyBytes);
  EXPECT_EQ(c.messages.maxRecipients, d.messages.maxRecipients);
  EXPECT_EQ(c.messages.idempotencyHours, d.messages.idempotencyHours);
  EXPECT_EQ(c.messages.maxAttempts, d.messages.maxAttempts);
  EXPECT_EQ(c.messages.retryBaseMs, d.messages.retryBaseMs);
  EXPECT_EQ(c.messages.retryMaxMs, d.messages.retryMaxMs);
  EXPECT_EQ(c.messages.dispatchConcurrency, d.messages.dispatchConcurrency);
  EXPECT_EQ(c.billing.tariffs, d.billing.tariffs);
  EXPECT_EQ(c.status.components, d.status.components);
  EXPECT_EQ(c.status.probeServices, d.status.probeServices);
  EXPECT_EQ(c.status.probeIntervalMs, d.status.probeIntervalMs);
  EXPECT_EQ(c.status.probeTimeoutMs, d.status.probeTimeoutMs);
  EXPECT_EQ(c.billing.invoiceFont, d.billing.invoiceFont);
  EXPECT_EQ(c.campaigns.file, d.campaigns.file);
  EXPECT_EQ(c.campaigns.schedulerPollMs, d.campaigns.schedulerPollMs);
  EXPECT_EQ(c.billing.supplierKvk, d.billing.supplierKvk);
  EXPECT_EQ(c.retention.runHour, d.retention.runHour);
  EXPECT_EQ(c.retention.inactivityMonths, d.retention.inactivityMonths);
  EXPECT_EQ(c.retention.closedMonths, d.retention.closedMonths);
  EXPECT_EQ(c.retention.schedulerPollMs, d.retention.schedulerPollMs);
  ASSERT_TRUE(c.messages.masterKey.has_value());
  EXPECT_EQ(c.activation.deadline, d.activation.deadline);
  EXPECT_EQ(c.migration.cutoff, d.migration.cutoff);
  EXPECT_EQ(c.migration.startup, d.migration.startup);
  EXPECT_EQ(c.migration.identityFreezeFrom, d.migration.identityFreezeFrom);
  EXPECT_EQ(c.migration.startupComplete, d.migration.startupComplete);
  ASSERT_EQ(c.plugins.entries.size(), 3u);
  EXPECT_EQ(c.plugins.entries[0].name, "echo");
  EXPECT_EQ(c.plugins.entries[1].name, "delivery-inbox");
  EXPECT_EQ(c.plugins.entries[2].name, "auth-totp");
  // The plugin's defaults as documented in docs/auth-plugin.md (AU4 5 failures / 15 min, AU8).
  const auto& auth = c.plugins.entries[2].values;
  EXPECT_EQ(auth.at("lockout.max_failures"), "5");
  EXPECT_EQ(auth.at("lockout.duration"), "900");
  EXPECT_EQ(auth.at("session.idle_timeout"), "900");
  EXPECT_EQ(auth.at("session.absolute_timeout"), "28800");
  EXPECT_EQ(auth.at("totp.skew_steps"), "1");
  EXPECT_EQ(c.plugins.entries[2].secrets.at("secret_key").reveal().substr(0, 3), "k1:");
}

TEST(ConfigFile, ShippedExampleWithoutTokenFileNamesIt) {
  // Run straight from the source tree with the token overridden, as the daemon tests may.
  TempDir dir;
  dir.write("tok", "x\n");
  dir.write("key", "k1:" + std::string(64, 'd') + "\n");
  LoadResult r = loadConfigFile(
      std::string(BERICHTD_SOURCE_DIR) + "/conf/berichtd.yaml",
      {"admin.token={file: " + (dir.path() / "tok").string() + "}",
       "messages.master_key={file: " + (dir.path() / "key").string() + "}",
       "plugins.auth-totp.secret_key={file: " + (dir.path() / "key").string() + "}"});
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->admin.token->reveal(), "x");
}

TEST(ConfigLoad, RetryDaysProviderAndRunHour) {
  LoadResult r = parseConfig("billing:\n  retry_days: [3, 5]\n  provider: sepa\n  run_hour: 2\n",
                             "t.yaml", {});
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->billing.retryDays, (std::vector<int>{3, 5}));
  EXPECT_EQ(r.config->billing.provider, "sepa");
  EXPECT_EQ(r.config->billing.runHour, 2);
  LoadResult none = parseConfig("billing:\n  retry_days: []\n", "t.yaml", {});
  ASSERT_TRUE(none.config.has_value());
  EXPECT_TRUE(none.config->billing.retryDays.empty());
  LoadResult d = parseConfig("", "t.yaml", {});
  ASSERT_TRUE(d.config.has_value());
  EXPECT_EQ(d.config->billing.retryDays, (std::vector<int>{8, 8, 8}));
  EXPECT_EQ(d.config->billing.provider, "mollie");
  EXPECT_EQ(d.config->billing.runHour, 6);
  EXPECT_EQ(d.config->billing.runChunkSize, 500);
}

TEST(ConfigLoad, StatusThresholds) {
  LoadResult r = parseConfig(
      "status:\n  page_name: Test\n  degraded_percent: 10\n  outage_percent: 50\n"
      "  slow_ms: 500\n  min_requests: 5\n  window_seconds: 60\n",
      "t.yaml", {});
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->status.pageName, "Test");
  EXPECT_EQ(r.config->status.degradedPercent, 10);
  EXPECT_EQ(r.config->status.outagePercent, 50);
  EXPECT_EQ(r.config->status.slowMs, 500);
  EXPECT_EQ(r.config->status.minRequests, 5);
  EXPECT_EQ(r.config->status.windowSeconds, 60);
  LoadResult bad = parseConfig("status:\n  window_seconds: 5\n", "t.yaml", {});
  EXPECT_FALSE(bad.config.has_value());
  EXPECT_EQ(
      errorStrings(bad),
      std::vector<std::string>{"t.yaml:2:19: status.window_seconds: 5 is out of range (10-3600)"});
}

TEST(ConfigLoad, TariffsAreReadInOrder) {
  LoadResult r = parseConfig(
      "billing:\n  tariffs:\n    - {from: 2026-01-01, monthly_excl_cents: 1350}\n"
      "    - {from: 2027-01-01, monthly_excl_cents: 1425}\n",
      "t.yaml", {});
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->billing.tariffs,
            (std::vector<BillingConfig::Tariff>{{"2026-01-01", 1350}, {"2027-01-01", 1425}}));
  LoadResult s = parseConfig(
      "billing:\n  supplier_name: ZilliZ B.V.\n  supplier_kvk: \"12345678\"\n"
      "  supplier_vat_number: NL001234567B01\n",
      "t.yaml", {});
  ASSERT_TRUE(s.config.has_value()) << ::testing::PrintToString(errorStrings(s));
  EXPECT_EQ(s.config->billing.supplierName, "ZilliZ B.V.");
  EXPECT_EQ(s.config->billing.supplierKvk, "12345678");
  EXPECT_EQ(s.config->billing.supplierVatNumber, "NL001234567B01");
  LoadResult d = parseConfig("", "t.yaml", {});
  ASSERT_TRUE(d.config.has_value());
  EXPECT_EQ(d.config->billing.tariffs, (std::vector<BillingConfig::Tariff>{{"2026-01-01", 1350}}));
}

TEST(ConfigLoad, StatusComponentsReplaceTheFourOfS1) {
  // The default: SPEC S1's four components, in page order, with the services they need.
  LoadResult d = parseConfig("", "t.yaml", {});
  ASSERT_TRUE(d.config.has_value());
  const auto& def = d.config->status.components;
  ASSERT_EQ(def.size(), 4u);
  EXPECT_EQ(def[0], (StatusConfig::Component{"login", "Inloggen", {"auth"}, {}}));
  EXPECT_EQ(def[1], (StatusConfig::Component{"berichten", "Berichten", {"delivery"}, {}}));
  EXPECT_EQ(def[2], (StatusConfig::Component{"betalingen", "Betalingen", {}, {"billing"}}));
  EXPECT_EQ(def[3], (StatusConfig::Component{"website", "Website", {}, {}}));
  EXPECT_EQ(d.config->status.probeServices, (std::vector<std::string>{"billing"}));
  // An empty probe list asks no service for its reachability.
  LoadResult none = parseConfig("status:\n  probe_services: []\n", "t.yaml", {});
  ASSERT_TRUE(none.config.has_value()) << ::testing::PrintToString(errorStrings(none));
  EXPECT_TRUE(none.config->status.probeServices.empty());
  // A list in the file replaces them, in its order; a missing list of services is none.
  LoadResult r = parseConfig(
      "status:\n  components:\n    - {id: berichten, name: Berichten, services: [delivery, mail]}\n"
      "    - {id: archief, name: \"Archief & export\", optional_services: [export]}\n"
      "    - {id: website, name: Website}\n",
      "t.yaml", {});
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(errorStrings(r));
  EXPECT_EQ(r.config->status.components, (std::vector<StatusConfig::Component>{
                                             {"berichten", "Berichten", {"delivery", "mail"}, {}},
                                             {"archief", "Archief & export", {}, {"export"}},
                                             {"website", "Website", {}, {}}}));
}

TEST(ConfigSchema, RowsMatchStructDefaults) {
  auto rows = schema();
  auto find = [&](const std::string& p) {
    for (const auto& r : rows)
      if (r.path == p) return r;
    return SchemaRow{};
  };
  EXPECT_EQ(find("http.max_body_bytes").defaultValue, "8388608");
  EXPECT_EQ(find("messages.max_body_bytes").defaultValue, "1048576");
  EXPECT_EQ(find("activation.deadline").defaultValue, "2026-03-01T00:00:00+01:00");
  EXPECT_EQ(find("migration.cutoff").defaultValue, "2026-02-13T00:00:00+01:00");
  EXPECT_EQ(find("http.max_body_bytes").type, "whole number 1-1073741824");
  EXPECT_EQ(find("log.level").type, "debug|information|warning|error");
  EXPECT_EQ(find("storage.url").defaultValue, "sqlite://state/berichtd.db");
  EXPECT_EQ(find("admin.token").type, "secret reference");
  EXPECT_EQ(find("status.components").type,
            "list of {id, name, services: [service], optional_services: [service]}");
}

}  // namespace
}  // namespace berichtd::config
