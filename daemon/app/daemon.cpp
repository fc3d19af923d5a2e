#include "app/daemon.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <csignal>
#include <filesystem>

#include "app/activation_pages.hpp"
#include "app/daemon_routes.hpp"
#include "app/migration_times.hpp"
#include "app/pages/activation_views.hpp"
#include "app/scrape_gauges.hpp"
#include "app/signals.hpp"
#include "app/status_config.hpp"
#include "campaigns/campaign_file.hpp"
#include "core/logging.hpp"
#include "http/errors.hpp"
#include "plugin/request_clock.hpp"

namespace berichtd::app {

namespace {

// The status page's name of the migration window (SPEC M3); one row, found by this name.
constexpr const char* kMigrationWindowName = "Migratie naar het nieuwe platform";

std::string urlOf(const std::string& listen, uint16_t port) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  return "http://" + host + ":" + std::to_string(port);
}

// ipc:// endpoints are files; their folder must exist before the broker binds.
void prepareEndpoint(const std::string& endpoint) {
  const std::string prefix = "ipc://";
  if (endpoint.rfind(prefix, 0) != 0) return;
  std::filesystem::path p(endpoint.substr(prefix.size()));
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::error_code ec;
  std::filesystem::remove(p, ec);  // a stale socket file from a killed daemon
}

}  // namespace

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}

Daemon::~Daemon() { stop(); }

std::shared_ptr<const config::Config> Daemon::currentConfig() const {
  std::lock_guard lock(configMutex_);
  return config_;
}

Result<Message> Daemon::callService(Message request, std::chrono::milliseconds timeout) {
  plugin::stampNow(request, *clock_);
  const auto started = std::chrono::steady_clock::now();
  const std::string service = request.service;
  auto reply = bus_->call(request, timeout);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  metrics_.recordBus(service, reply ? std::string("ok") : reply.status().code(), elapsed);
  // S2: the status page judges each service by what its requests actually did. A refusal a
  // plugin answered on purpose (a wrong password, an unknown recipient) is a working service;
  // only the bus's own failures and internal errors count against it.
  const std::string code = reply ? std::string() : reply.status().code();
  const bool failed =
      !reply && (code == "TIMEOUT" || code == "BUSY" || code == "SERVICE_UNAVAILABLE" ||
                 code == "PLUGIN_ERROR" || code == "INTERNAL" || code.rfind("STORAGE_", 0) == 0 ||
                 code == "PROVIDER_UNAVAILABLE");
  if (statusWindow_)
    statusWindow_->record(service, !failed,
                          std::chrono::duration_cast<std::chrono::milliseconds>(elapsed));
  return reply;
}

std::string Daemon::scrapeMetrics() {
  std::vector<metrics::Family> families = metrics_.collect();
  auto add = [&families](std::vector<metrics::Family> more) {
    for (auto& f : more) families.push_back(std::move(f));
  };
  add(busGauges(broker_->snapshot(), plugins_->services()));
  add(pluginGauges(plugins_->status()));
  auto stored = storageGauges(*database_);
  if (stored) {
    add(std::move(stored).value());
  } else {
    logger("daemon").warning("metrics: the database counts are left out: %s",
                             stored.status().toString());
  }
  add(daemonGauges(BERICHTD_VERSION, stored.isOk()));
  return metrics::exposition(std::move(families));
}

Status Daemon::start(config::Config cfg) {
  auto& log = logger("daemon");
  startedAt_ = std::chrono::steady_clock::now();
  config_ = std::make_shared<const config::Config>(std::move(cfg));
  configGeneration_ = 1;
  const config::Config& c = *config_;
  statusWindow_ =
      std::make_unique<status::RequestWindow>(std::chrono::seconds(c.status.windowSeconds));

  if (c.clock.mode == "manual") {
    TimePoint start = std::chrono::system_clock::now();
    if (c.clock.start) start = parseIso8601(*c.clock.start).value_or(start);
    auto manual = std::make_unique<ManualClock>(start);
    manualClock_ = manual.get();
    clock_ = std::move(manual);
    log.warning(
        "clock.mode is manual: the platform calendar stands at %s until set with "
        "'berichtctl clock set'",
        formatIso8601(clock_->now()));
  } else {
    clock_ = std::make_unique<SystemClock>();
  }

  auto db = storage::Database::open(c.storage);
  if (!db) return db.status();
  database_ = std::move(db).value();
  if (Status s = database_->migrate(); !s.isOk()) return s;
  accounts_ = std::make_unique<accounts::AccountStore>(*database_, *clock_);
  log.information("storage %s at schema version %d", database_->describe(),
                  database_->schemaVersion());

  bus::BrokerOptions bopts;
  bopts.heartbeat = std::chrono::milliseconds(c.bus.heartbeatMs);
  bopts.liveness = c.bus.liveness;
  bopts.queueLimit = c.bus.queueLimit;
  bopts.maxMessageBytes = c.bus.maxMessageBytes;
  bopts.maxRetries = c.bus.maxRetries;
  bopts.defaultTimeout = std::chrono::milliseconds(c.bus.requestTimeoutMs);
  broker_ = std::make_unique<bus::Broker>(context_, bopts);
  try {
    prepareEndpoint(c.bus.endpoint);
    broker_->bind(kInprocBusEndpoint);
    broker_->bind(c.bus.endpoint);
  } catch (const std::exception& e) {
    return Status::error("BUS_BIND_FAILED",
                         "cannot bind the bus to " + c.bus.endpoint + ": " + e.what());
  }
  broker_->start();
  bus_ = std::make_unique<bus::BusClient>(context_, kInprocBusEndpoint, c.bus.maxMessageBytes);

  plugin::PluginManagerOptions popts;
  popts.inprocEndpoint = kInprocBusEndpoint;
  popts.hostEndpoint = c.bus.endpoint;
  popts.hostExecutable = options_.hostExecutable;
  popts.configPath = options_.configPath;
  popts.configOverrides = options_.overrides;
  popts.workerOptions.heartbeat = bopts.heartbeat;
  popts.workerOptions.liveness = bopts.liveness;
  popts.workerOptions.maxMessageBytes = bopts.maxMessageBytes;
  plugin::HostServices services;
  services.clock = clock_.get();
  services.maxReplyBytes = c.bus.maxMessageBytes;
  services.database = database_.get();
  services.publish = [this](const Message& m) {
    Message stamped = m;
    plugin::stampNow(stamped, *clock_);
    return bus_->publish(stamped);
  };
  services.call = [this](const Message& m, std::chrono::milliseconds t) {
    auto reply = callService(m, t);
    // N2: a mail a plugin sends directly (auth-totp's access link) is archived once sent.
    if (reply && m.action == "send_mail") archiveDirectMail(reply->body);
    return reply;
  };
  plugins_ = std::make_unique<plugin::PluginManager>(context_, popts, services);
  if (Status s = plugins_->start(c.plugins); !s.isOk()) return s;
  metrics_.setKnownServices(plugins_->services());

  AuthRouteDeps authDeps;
  authDeps.call = [this](Message m, std::chrono::milliseconds t) {
    return callService(std::move(m), t);
  };
  authDeps.serviceLive = [this](const std::string& service) {
    return broker_->hasLiveWorker(service);
  };
  authDeps.timeout = [this] {
    return std::chrono::milliseconds(currentConfig()->bus.requestTimeoutMs);
  };
  authDeps.publicUrl = [this] { return currentConfig()->http.publicUrl; };
  authDeps.accounts = accounts_.get();
  authDeps.identityFrozen = [this] {
    return accounts::identityFrozen(migrationTimesOf(currentConfig()->migration), clock_->now());
  };
  authDeps.clock = clock_.get();
  authDeps.nextCollection = [this](int64_t account) -> std::optional<std::string> {
    if (!billingStore_) return std::nullopt;
    auto next = billingStore_->nextCollection(account);
    if (!next || !*next) return std::nullopt;
    return billing::formatDate(**next);
  };
  authRoutes_ = std::make_unique<AuthRoutes>(std::move(authDeps));

  if (c.messages.masterKey) {
    auto master = crypto::SecretBox::fromSecret(*c.messages.masterKey);
    if (!master)
      return Status::error("CONFIG_INVALID", "messages.master_key: " + master.status().message());
    dataKeys_ = std::make_unique<messages::DataKeys>(*database_, *clock_, *master);
    messageStore_ = std::make_unique<messages::MessageStore>(*database_, *clock_, *dataKeys_,
                                                             c.messages.idempotencyHours);
    messages::RetryPolicy retry{c.messages.maxAttempts,
                                std::chrono::milliseconds(c.messages.retryBaseMs),
                                std::chrono::milliseconds(c.messages.retryMaxMs)};
    dispatcher_ = std::make_unique<messages::OutboxDispatcher>(
        *database_, realClock_, *messageStore_,
        [this](Message m, std::chrono::milliseconds t) { return callService(std::move(m), t); },
        retry, std::chrono::milliseconds(c.bus.requestTimeoutMs));
    dispatcher_->setConcurrency(c.messages.dispatchConcurrency);
    dispatcher_->setServiceLive(
        [this](const std::string& service) { return broker_->hasLiveWorker(service); });
    // Billing: IBANs sealed with the same master key; charges go through the same outbox.
    ibanBox_ = std::make_unique<crypto::SecretBox>(*master);
    billingStore_ = std::make_unique<billing::BillingStore>(*database_, *clock_, *ibanBox_);
    BillingServiceDeps billingDeps;
    billingDeps.call = [this](Message m, std::chrono::milliseconds t) {
      return callService(std::move(m), t);
    };
    billingDeps.serviceLive = [this](const std::string& service) {
      return broker_->hasLiveWorker(service);
    };
    billingDeps.config = [this] { return currentConfig(); };
    billingDeps.store = billingStore_.get();
    billingDeps.messages = messageStore_.get();
    billingDeps.wakeOutbox = [this] {
      if (dispatcher_) dispatcher_->wake();
    };
    billingDeps.clock = clock_.get();
    billing_ = std::make_unique<BillingService>(std::move(billingDeps));
    // N2: a mail the outbox got sent is archived in the transaction that marks its job done.
    mailArchive_ = std::make_unique<campaigns::MailArchive>(*database_, *dataKeys_);
    archiveForPlugins_ = mailArchive_.get();
    dispatcher_->setReplyHook([this](Poco::Data::Session& tx, const std::string& service,
                                     const std::string& action, const std::string& key,
                                     const std::string& reply) {
      if (service == "billing") billing_->recordReply(action, key, reply);
      if (action == "send_mail") {
        if (auto m = campaigns::mailFromReply(key, reply, formatIso8601(clock_->now())))
          mailArchive_->record(tx, *m);
        campaigns::forgetSentCampaignMail(*database_, tx, key);
      }
    });
    dispatcher_->start();
    billing_->start(std::chrono::milliseconds(c.billing.schedulerPollMs));
    if (Status cs = startCampaigns(c); !cs) return cs;
  } else {
    log.warning("messages.master_key is not set: the messages API answers 503");
    if (!c.campaigns.file.empty())
      log.warning("campaigns.file is set but messages.master_key is not: no campaign is sent");
  }
  {
    // Retention (SPEC R1-R3, docs/retention.md): the plugins that keep data about accounts are
    // asked to forget a deleted one through the outbox, so only when it is dispatched.
    std::vector<std::string> forget;
    if (dispatcher_) {
      for (const auto& service : plugins_->services())
        if (service == "auth" || service == "billing") forget.push_back(service);
    } else {
      log.warning(
          "retention: without the outbox (messages.master_key) the plugins are not "
          "asked to forget deleted accounts");
    }
    retentionStore_ =
        std::make_unique<retention::RetentionStore>(*database_, *clock_, std::move(forget));
    RetentionServiceDeps retentionDeps;
    retentionDeps.store = retentionStore_.get();
    retentionDeps.config = [this] { return currentConfig(); };
    retentionDeps.wakeOutbox = [this] {
      if (dispatcher_) dispatcher_->wake();
    };
    retentionDeps.clock = clock_.get();
    retention_ = std::make_unique<RetentionService>(std::move(retentionDeps));
    retention_->start(std::chrono::milliseconds(c.retention.schedulerPollMs));
  }
  MessageRouteDeps messageDeps;
  messageDeps.auth = authRoutes_.get();
  messageDeps.accounts = accounts_.get();
  messageDeps.store = messageStore_.get();
  messageDeps.clock = clock_.get();
  messageDeps.config = [this] { return currentConfig(); };
  messageDeps.wakeDispatcher = [this] {
    if (dispatcher_) dispatcher_->wake();
  };
  messageRoutes_ = std::make_unique<MessageRoutes>(std::move(messageDeps));
  {
    // The components are fixed for the process's life (status.components; a reload that
    // changes them says a restart is needed).
    statusStore_ =
        std::make_unique<status::StatusStore>(*database_, *clock_, componentIdsOf(c.status));
    announceMigrationWindow(c);
    // S2 "the payment provider's reachability": the loaded services of status.probe_services
    // are asked `ping` on a thread of their own; the page reads the last verdict.
    const auto loaded = plugins_->services();
    std::vector<std::string> probed;
    for (const auto& s : c.status.probeServices)
      if (std::find(loaded.begin(), loaded.end(), s) != loaded.end()) probed.push_back(s);
    reachability_ = std::make_unique<status::ReachabilityProbe>(
        probed,
        [this](Message m, std::chrono::milliseconds t) { return callService(std::move(m), t); },
        std::chrono::milliseconds(c.status.probeTimeoutMs));
    status::BoardProbes probes;
    probes.databaseUp = [this] { return database_->ping().isOk(); };
    // A service is up when a worker of it is live and, when it is probed, the outside party
    // behind it answered the last ping.
    probes.serviceLive = [this](const std::string& service) {
      return broker_->hasLiveWorker(service) && reachability_->reachable(service);
    };
    statusBoard_ = std::make_unique<status::StatusBoard>(componentsOf(c.status), *statusStore_,
                                                         *statusWindow_, probes, *clock_);
    if (!probed.empty()) reachability_->start(std::chrono::milliseconds(c.status.probeIntervalMs));
    StatusRouteDeps statusDeps;
    statusDeps.store = statusStore_.get();
    statusDeps.board = statusBoard_.get();
    statusDeps.config = [this] { return currentConfig(); };
    statusRoutes_ = std::make_unique<StatusRoutes>(std::move(statusDeps));
    const bool statusPlugin = std::find(loaded.begin(), loaded.end(), "status") != loaded.end();
    if (statusPlugin && dispatcher_) {
      // S3: changes go to the `status` plugin through the outbox (retried until delivered).
      statusStore_->enablePush();
      statusReporter_ = std::make_unique<StatusReporter>(
          *statusBoard_, *statusStore_, [this] { return thresholdsOf(currentConfig()->status); },
          [this] { dispatcher_->wake(); });
      statusReporter_->start(std::chrono::milliseconds(c.status.pushPollMs));
    } else if (statusPlugin) {
      log.warning(
          "a status plugin is loaded but messages.master_key is not set: nothing is "
          "pushed to it (the outbox needs the key)");
    }
  }
  campaignRoutes_ = std::make_unique<CampaignRoutes>(
      CampaignRouteDeps{authRoutes_.get(), campaignService_.get(), mailArchive_.get()});
  BillingRouteDeps billingRouteDeps;
  billingRouteDeps.auth = authRoutes_.get();
  billingRouteDeps.accounts = accounts_.get();
  billingRouteDeps.billing = billing_.get();
  billingRouteDeps.store = billingStore_.get();
  billingRouteDeps.config = [this] { return currentConfig(); };
  billingRoutes_ = std::make_unique<BillingRoutes>(std::move(billingRouteDeps));
  ActivationPageDeps pageDeps;
  pageDeps.auth = authRoutes_.get();
  pageDeps.billingRoutes = billingRoutes_.get();
  pageDeps.store = billingStore_.get();
  pageDeps.config = [this] { return currentConfig(); };
  activationPages_ = std::make_unique<ActivationPages>(std::move(pageDeps));

  DaemonRoutes routes(*this);
  http::HttpServerOptions pub;
  pub.listen = c.http.listen;
  pub.maxBodyBytes = c.http.maxBodyBytes;
  pub.maxThreads = c.http.maxThreads;
  pub.maxQueued = c.http.maxQueued;
  pub.drainTimeout = std::chrono::milliseconds(c.http.drainTimeoutMs);
  pub.name = "http";
  pub.onRequest = [this](const http::RequestRecord& r) { metrics_.recordHttp("public", r); };
  // M3: from migration.cutoff until migration.startup every user path answers 503 MAINTENANCE
  // with Retry-After; the status page, health, metrics and the knowledge base keep answering.
  pub.gate = [this](const std::string& path, const http::HttpRequest&, http::HttpResponse& res) {
    if (!accounts::isUserPath(path)) return false;
    const auto times = migrationTimesOf(currentConfig()->migration);
    const TimePoint now = clock_->now();
    if (!accounts::inWindow(times, now)) return false;
    if (path.rfind("/activeren", 0) == 0) {
      // People with a browser get the page in Dutch, with the same status, code and the
      // headers of every activation page.
      showActivationPage(res, pages::errorPage(503, "MAINTENANCE"));
    } else {
      http::setError(res, 503, "MAINTENANCE",
                     "the app is moving to the new platform and opens again at " +
                         currentConfig()->migration.startup + "; see /status");
    }
    res.setHeader("Retry-After", std::to_string(accounts::retryAfterSeconds(times, now)));
    return true;
  };
  public_ = std::make_unique<http::HttpServer>(routes.publicRouter(), pub);
  if (Status s = public_->start(); !s.isOk()) return s;

  if (c.admin.token) {
    http::HttpServerOptions adm = pub;
    adm.listen = c.admin.listen;
    adm.maxThreads = 4;
    adm.name = "admin";
    adm.onRequest = [this](const http::RequestRecord& r) { metrics_.recordHttp("admin", r); };
    admin_ = std::make_unique<http::HttpServer>(routes.adminRouter(), adm);
    if (Status s = admin_->start(); !s.isOk()) return s;
  } else {
    log.warning("admin.token is not set: the admin listener is off");
  }

  watchdog_ = std::make_unique<Watchdog>([this] { return broker_->loopIterations(); });
  watchdog_->start();
  notifySystemd("READY=1\nSTATUS=serving " + publicUrl());
  log.information("berichtd %s serving %s%s", std::string(BERICHTD_VERSION), publicUrl(),
                  admin_ ? " (admin " + adminUrl() + ")" : std::string());
  return Status::ok();
}

std::string Daemon::publicUrl() const {
  return public_ ? urlOf(currentConfig()->http.listen, public_->port()) : std::string();
}

std::string Daemon::adminUrl() const {
  return admin_ ? urlOf(currentConfig()->admin.listen, admin_->port()) : std::string();
}

void Daemon::reload() {
  auto& log = logger("daemon");
  notifySystemd("RELOADING=1");
  auto loaded = config::loadConfigFile(options_.configPath, options_.overrides);
  if (!loaded.config) {
    log.error("reload of %s refused; the running configuration stays in force:",
              options_.configPath);
    for (const auto& e : loaded.errors) log.error(e.toString());
    notifySystemd("READY=1");
    return;
  }
  auto old = currentConfig();
  const config::Config& n = *loaded.config;
  auto needsRestart = [&](bool changed, const char* key) {
    if (changed)
      log.warning("reload: %s changed; it takes effect after a restart", std::string(key));
  };
  needsRestart(n.http.listen != old->http.listen, "http.listen");
  needsRestart(n.admin.listen != old->admin.listen, "admin.listen");
  needsRestart(n.storage.url != old->storage.url, "storage.url");
  needsRestart(n.clock.mode != old->clock.mode, "clock.mode");
  needsRestart(n.bus.endpoint != old->bus.endpoint, "bus.endpoint");
  needsRestart(n.status.components != old->status.components, "status.components");
  needsRestart(n.campaigns.file != old->campaigns.file, "campaigns.file");
  needsRestart(
      n.plugins.dir != old->plugins.dir || n.plugins.entries.size() != old->plugins.entries.size(),
      "plugins");
  setLogLevel(n.log.level);
  if (public_) public_->setMaxBodyBytes(n.http.maxBodyBytes);
  {
    std::lock_guard lock(configMutex_);
    config_ = std::make_shared<const config::Config>(n);
  }
  if (n.migration.cutoff != old->migration.cutoff || n.migration.startup != old->migration.startup)
    announceMigrationWindow(n);
  const int generation = ++configGeneration_;
  log.information("configuration reloaded from %s (generation %d)", options_.configPath,
                  generation);
  notifySystemd("READY=1");
}

// M3: the migration window is scheduled maintenance on the status page, kept in line with
// migration.cutoff/startup at every start and reload while it has not ended.
void Daemon::announceMigrationWindow(const config::Config& c) {
  auto ends = parseIso8601(c.migration.startup);
  if (!statusStore_ || !ends || !(clock_->now() < *ends)) return;
  auto w = statusStore_->ensureMaintenance(
      kMigrationWindowName, c.migration.cutoff, c.migration.startup, componentIdsOf(c.status),
      "De ZilliZ berichtenapp gaat over naar een nieuw platform. In deze periode kun je niet "
      "inloggen en geen berichten versturen of ontvangen. Je krijgt een e-mail zodra je weer "
      "kunt inloggen.");
  if (!w) {
    logger("daemon").warning("the migration window is not on the status page: %s",
                             w.status().code());
  }
}

int Daemon::run() {
  while (true) {
    int sig = waitForSignal(std::chrono::milliseconds(1000));
    if (sig == SIGHUP) {
      reload();
    } else if (sig == SIGTERM || sig == SIGINT) {
      logger("daemon").information("stopping on signal %d", sig);
      stop();
      return 0;
    }
  }
}

void Daemon::stop() {
  if (stopped_) return;
  stopped_ = true;
  notifySystemd("STOPPING=1");
  // Stop taking work first, finish what is in flight, then take the workers away.
  if (public_) public_->stop();
  if (admin_) admin_->stop();
  if (watchdog_) watchdog_->stop();
  if (billing_) billing_->stop();  // its scheduler calls the bus
  // The campaign scheduler writes the outbox.
  if (campaignService_) campaignService_->stop();
  if (retention_) retention_->stop();
  if (statusReporter_) statusReporter_->stop();
  if (reachability_) reachability_->stop();  // it calls the bus too
  if (dispatcher_) dispatcher_->stop();      // before the bus it calls goes away
  if (plugins_) plugins_->stop();
  bus_.reset();
  if (broker_) broker_->stop();
  plugins_.reset();
  broker_.reset();
  dispatcher_.reset();
  campaignService_.reset();
  campaignStore_.reset();
  archiveForPlugins_ = nullptr;
  mailArchive_.reset();
  retention_.reset();
  retentionStore_.reset();
  billing_.reset();
  billingStore_.reset();
  messageStore_.reset();
  dataKeys_.reset();
  accounts_.reset();
  database_.reset();
}

// Campaigns (SPEC N1, M4): the campaigns file is read once at start (a change needs a restart;
// main() has refused an invalid one already, with FILE:LINE:COL).
Status Daemon::startCampaigns(const config::Config& c) {
  campaignStore_ = std::make_unique<campaigns::CampaignStore>(*database_, *clock_);
  std::vector<campaigns::Campaign> list;
  if (!c.campaigns.file.empty()) {
    auto file = campaigns::loadCampaignsFile(c.campaigns.file);
    if (!file.errors.empty())
      return Status::error("CONFIG_INVALID", file.errors.front().toString());
    list = std::move(file.campaigns);
  }
  CampaignServiceDeps deps;
  deps.store = campaignStore_.get();
  deps.campaigns = std::move(list);
  deps.clock = clock_.get();
  deps.publicUrl = [this] { return currentConfig()->http.publicUrl; };
  deps.wakeOutbox = [this] {
    if (dispatcher_) dispatcher_->wake();
  };
  campaignService_ = std::make_unique<CampaignService>(std::move(deps));
  campaignService_->start(std::chrono::milliseconds(c.campaigns.schedulerPollMs));
  return Status::ok();
}

void Daemon::archiveDirectMail(const std::string& reply) {
  const campaigns::MailArchive* archive = archiveForPlugins_.load();
  if (archive == nullptr) return;
  auto m = campaigns::mailFromReply("", reply, formatIso8601(clock_->now()));
  if (!m) return;
  if (Status s = archive->recordNow(*m); !s) {
    logger("campaigns")
        .warning("a sent mail for account %s was not archived: %s", std::to_string(m->accountId),
                 s.code());
  }
}

}  // namespace berichtd::app
