#include "core/logging.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/PatternFormatter.h>

#include <vector>

namespace berichtd {

void setupLogging(const std::string& level) {
  Poco::AutoPtr<Poco::PatternFormatter> fmt(new Poco::PatternFormatter("%p %s: %t"));
  Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel);
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(fmt, console));
  Poco::Logger::root().setChannel(channel);
  setLogLevel(level);
}

void setLogLevel(const std::string& level) {
  Poco::Logger::root().setLevel(level);
  std::vector<std::string> names;
  Poco::Logger::names(names);
  for (const auto& n : names) Poco::Logger::get(n).setLevel(level);
}

Poco::Logger& logger(const std::string& name) { return Poco::Logger::get(name); }

}  // namespace berichtd
