#include "app/scrape_gauges.hpp"

#include <algorithm>
#include <map>

#include "storage/sql_run.hpp"

namespace berichtd::app {

namespace {

using metrics::Family;
using metrics::Type;

Family gauge(std::string name, std::string help, std::vector<std::string> labelNames) {
  Family f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = Type::kGauge;
  f.labelNames = std::move(labelNames);
  return f;
}

}  // namespace

std::vector<Family> busGauges(const bus::BrokerSnapshot& snapshot,
                              const std::vector<std::string>& services) {
  Family queued =
      gauge("berichtd_bus_queue_depth",
            "Requests waiting in the broker for a free worker, by service.", {"service"});
  Family inFlight =
      gauge("berichtd_bus_in_flight",
            "Requests handed to a worker and not yet answered, by service.", {"service"});
  Family live =
      gauge("berichtd_bus_live_workers",
            "Workers that sent a heartbeat within the liveness window, by service.", {"service"});
  for (const auto& s : snapshot.services) {
    if (std::find(services.begin(), services.end(), s.name) == services.end()) continue;
    queued.samples.push_back({{s.name}, static_cast<double>(s.queued)});
    inFlight.samples.push_back({{s.name}, static_cast<double>(s.inFlight)});
    live.samples.push_back({{s.name}, static_cast<double>(s.liveWorkers)});
  }
  return {std::move(queued), std::move(inFlight), std::move(live)};
}

std::vector<Family> pluginGauges(const std::vector<plugin::PluginStatus>& plugins) {
  Family restarts;
  restarts.name = "berichtd_plugin_restarts_total";
  restarts.help = "Restarts of a plugin's host process since the daemon started, by plugin.";
  restarts.type = Type::kCounter;
  restarts.labelNames = {"plugin"};
  for (const auto& p : plugins)
    restarts.samples.push_back({{p.name}, static_cast<double>(p.restarts)});
  return {std::move(restarts)};
}

Result<std::vector<Family>> storageGauges(storage::Database& db) {
  Family outbox =
      gauge("berichtd_outbox_jobs", "Outbox jobs by service and state.", {"service", "state"});
  Family messages =
      gauge("berichtd_messages", "Inbox copies of messages by state; accepted counts them all.",
            {"state"});
  Family payments =
      gauge("berichtd_payments", "Billing charges by kind and status.", {"kind", "status"});
  Family mails;
  mails.name = "berichtd_mails_sent_total";
  mails.help = "E-mails handed to the mail service successfully (outbox mail jobs done).";
  mails.type = Type::kCounter;
  double mailsSent = 0;
  // Every inbox state is shown, 0 included, so an alert on a state has a series to watch.
  std::map<std::string, double> byState = {
      {"accepted", 0}, {"pending", 0}, {"held", 0}, {"delivered", 0}, {"dead", 0}};

  Status s = db.read([&](Poco::Data::Session& session) {
    auto jobs = storage::runSql(
        db, session, "SELECT service, state, COUNT(*) FROM outbox GROUP BY service, state");
    for (const auto& row : jobs.rows) {
      const std::string service = row.at(0).textOr("");
      const std::string state = row.at(1).textOr("");
      const auto n = static_cast<double>(row.at(2).intOr(0));
      outbox.samples.push_back({{service, state}, n});
      if (service == "mail" && state == "done") mailsSent = n;
    }
    auto copies = storage::runSql(
        db, session, "SELECT state, COUNT(*) FROM message_copies WHERE box = ? GROUP BY state",
        {"inbox"});
    for (const auto& row : copies.rows) {
      const auto n = static_cast<double>(row.at(1).intOr(0));
      byState[row.at(0).textOr("")] += n;
      byState["accepted"] += n;
    }
    auto charges = storage::runSql(
        db, session, "SELECT kind, status, COUNT(*) FROM billing_charges GROUP BY kind, status");
    for (const auto& row : charges.rows) {
      payments.samples.push_back(
          {{row.at(0).textOr(""), row.at(1).textOr("")}, static_cast<double>(row.at(2).intOr(0))});
    }
  });
  if (!s.isOk()) return s;
  for (const auto& [state, n] : byState) messages.samples.push_back({{state}, n});
  mails.samples.push_back({{}, mailsSent});
  return std::vector<Family>{std::move(outbox), std::move(messages), std::move(payments),
                             std::move(mails)};
}

std::vector<Family> daemonGauges(const std::string& version, bool storageOk) {
  Family build =
      gauge("berichtd_build_info", "Always 1; the version is in the label.", {"version"});
  build.samples.push_back({{version}, 1});
  Family ok = gauge("berichtd_storage_scrape_ok",
                    "1 when this scrape could read the database counts, 0 when not (then the "
                    "outbox, message, payment and mail series are missing).",
                    {});
  ok.samples.push_back({{}, storageOk ? 1.0 : 0.0});
  return {std::move(build), std::move(ok)};
}

}  // namespace berichtd::app
