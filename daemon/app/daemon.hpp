// Daemon: the berichtd process — configuration, clock, storage, the bus broker, plugins and
// the public and admin HTTP listeners, started in that order and stopped in reverse.
//
// run() is the main thread's loop: it takes SIGTERM/SIGINT (graceful stop) and SIGHUP (reload)
// and reports to systemd. A reload that fails validation keeps the running configuration and
// logs every error; a valid one applies what can change live (log level, request body limit)
// and logs each changed setting that needs a restart.
#pragma once

#include <atomic>
#include <berichtd/status.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "accounts/account_store.hpp"
#include "app/activation_pages.hpp"
#include "app/auth_routes.hpp"
#include "app/billing_routes.hpp"
#include "app/billing_service.hpp"
#include "app/campaign_routes.hpp"
#include "app/campaign_service.hpp"
#include "app/daemon_metrics.hpp"
#include "app/message_routes.hpp"
#include "app/retention_service.hpp"
#include "app/status_reporter.hpp"
#include "app/status_routes.hpp"
#include "app/systemd_notify.hpp"
#include "bus/broker.hpp"
#include "bus/client.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/http_server.hpp"
#include "messages/outbox_dispatcher.hpp"
#include "plugin/plugin_manager.hpp"
#include "status/reachability_probe.hpp"
#include "storage/database.hpp"

namespace berichtd::app {

inline constexpr const char* kInprocBusEndpoint = "inproc://berichtd-bus";

struct DaemonOptions {
  std::string configPath;
  std::vector<std::string> overrides;  // --set KEY=VALUE
  std::string hostExecutable;          // berichtd-plugin-host
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();

  Status start(config::Config cfg);
  // Blocks until SIGTERM/SIGINT; handles SIGHUP. Returns the exit code.
  int run();
  void reload();
  void stop();

  std::string publicUrl() const;
  std::string adminUrl() const;

 private:
  friend class DaemonRoutes;
  std::shared_ptr<const config::Config> currentConfig() const;
  void announceMigrationWindow(const config::Config& c);
  // Every bus request of the daemon (routes, outbox, billing, in-process plugins' calls);
  // counted and timed in metrics_.
  Result<Message> callService(Message request, std::chrono::milliseconds timeout);
  // The body of GET /metrics.
  std::string scrapeMetrics();
  // Campaigns and their scheduler (needs the outbox); the campaigns file was checked in main().
  Status startCampaigns(const config::Config& c);
  // N2: archives a mail a plugin sent with a direct send_mail call (not through the outbox).
  void archiveDirectMail(const std::string& reply);

  DaemonOptions options_;
  DaemonMetrics metrics_;  // first in, last out: every listener and bus call records into it
  mutable std::mutex configMutex_;
  std::shared_ptr<const config::Config> config_;  // guarded by configMutex_
  std::atomic<int> configGeneration_{0};
  std::chrono::steady_clock::time_point startedAt_;

  std::unique_ptr<Clock> clock_;
  ManualClock* manualClock_ = nullptr;  // points into clock_ in manual mode
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<accounts::AccountStore> accounts_;  // over database_, after migrate()
  std::unique_ptr<AuthRoutes> authRoutes_;            // /api/v1 login etc.; outlives the listeners
  SystemClock realClock_;  // the dispatcher's retry schedule runs on real time
  // Messages (when messages.master_key is set): keys, store, outbox dispatcher, routes.
  std::unique_ptr<messages::DataKeys> dataKeys_;
  std::unique_ptr<messages::MessageStore> messageStore_;
  std::unique_ptr<messages::OutboxDispatcher> dispatcher_;
  std::unique_ptr<MessageRoutes> messageRoutes_;
  // Billing (needs the outbox and the master key that seals IBANs, so only with messages).
  std::unique_ptr<crypto::SecretBox> ibanBox_;
  std::unique_ptr<billing::BillingStore> billingStore_;
  std::unique_ptr<BillingService> billing_;
  std::unique_ptr<BillingRoutes> billingRoutes_;
  std::unique_ptr<ActivationPages> activationPages_;  // /activeren…, over the two above
  // Campaigns and the sent-mail archive (SPEC N1, N2; only with messages: data keys, outbox).
  std::unique_ptr<campaigns::MailArchive> mailArchive_;
  std::atomic<const campaigns::MailArchive*> archiveForPlugins_{nullptr};  // set once made
  std::unique_ptr<campaigns::CampaignStore> campaignStore_;
  std::unique_ptr<CampaignService> campaignService_;
  std::unique_ptr<CampaignRoutes> campaignRoutes_;
  // Retention (SPEC R1-R3): the daily sweep and berichtctl retention sweep.
  std::unique_ptr<retention::RetentionStore> retentionStore_;
  std::unique_ptr<RetentionService> retention_;
  // The status page (SPEC S1, S2): bus outcomes per service, incidents and maintenance.
  std::unique_ptr<status::RequestWindow> statusWindow_;  // made first in start()
  std::unique_ptr<status::StatusStore> statusStore_;
  std::unique_ptr<status::StatusBoard> statusBoard_;
  std::unique_ptr<StatusRoutes> statusRoutes_;
  std::unique_ptr<status::ReachabilityProbe> reachability_;  // status.probe_services
  std::unique_ptr<StatusReporter> statusReporter_;  // only with a `status` plugin and the outbox
  zmq::context_t context_{1};
  std::unique_ptr<bus::Broker> broker_;
  std::unique_ptr<bus::BusClient> bus_;
  std::unique_ptr<plugin::PluginManager> plugins_;
  std::unique_ptr<http::HttpServer> public_;
  std::unique_ptr<http::HttpServer> admin_;
  std::unique_ptr<Watchdog> watchdog_;
  bool stopped_ = false;
};

}  // namespace berichtd::app
