// The gauges GET /metrics computes when scraped, from state the daemon already keeps: the bus
// broker's snapshot, the plugin manager's status and one read transaction on the database.
// None of them waits on a plugin, so a hung plugin cannot hang a scrape.
#pragma once

#include <berichtd/status.hpp>
#include <string>
#include <vector>

#include "bus/broker.hpp"
#include "core/metrics.hpp"
#include "plugin/plugin_manager.hpp"
#include "storage/database.hpp"

namespace berichtd::app {

// berichtd_bus_queue_depth, berichtd_bus_in_flight, berichtd_bus_live_workers per service,
// for the daemon's services only: the broker also keeps an entry for any name a request asked
// for, and those names would be unbounded labels.
std::vector<metrics::Family> busGauges(const bus::BrokerSnapshot& snapshot,
                                       const std::vector<std::string>& services);

// berichtd_plugin_restarts_total per plugin (the restarts of its process host).
std::vector<metrics::Family> pluginGauges(const std::vector<plugin::PluginStatus>& plugins);

// berichtd_outbox_jobs{service,state}, berichtd_messages{state} (inbox copies; "accepted"
// counts them all), berichtd_payments{kind,status} and berichtd_mails_sent_total, with three
// GROUP BY counts in one read transaction. The error of the read when it fails.
Result<std::vector<metrics::Family>> storageGauges(storage::Database& db);

// berichtd_build_info{version} 1 and berichtd_storage_scrape_ok (1 when storageGauges worked).
std::vector<metrics::Family> daemonGauges(const std::string& version, bool storageOk);

}  // namespace berichtd::app
