// The migration section of the configuration as the accounts module's MigrationTimes (SPEC
// M3, A2). The configuration loader has checked every time, so parsing cannot fail here.
#pragma once

#include "accounts/migration_window.hpp"
#include "config/config.hpp"

namespace berichtd {

accounts::MigrationTimes migrationTimesOf(const config::MigrationConfig& m);

}  // namespace berichtd
