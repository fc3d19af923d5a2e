// Logging: Poco loggers writing one line per event to stderr (journald adds the time and
// unit when run under systemd). Privacy rule: message bodies, passwords, TOTP secrets, tokens
// and IBANs never reach a log — log identifiers and counts, not content.
#pragma once

#include <Poco/Logger.h>

#include <string>

namespace berichtd {

// Sets up the root channel once: "LEVEL source: text" to stderr. level is a Poco level name
// ("debug", "information", "warning", "error").
void setupLogging(const std::string& level);
// Changes the level of every logger (SIGHUP reload).
void setLogLevel(const std::string& level);
Poco::Logger& logger(const std::string& name);

}  // namespace berichtd
