#include "app/migration_times.hpp"

namespace berichtd {

accounts::MigrationTimes migrationTimesOf(const config::MigrationConfig& m) {
  auto at = [](const std::string& text) { return parseIso8601(text).value_or(TimePoint{}); };
  return {at(m.cutoff), at(m.startup), at(m.identityFreezeFrom), at(m.startupComplete)};
}

}  // namespace berichtd
