#include "app/version.hpp"

#include <Poco/Environment.h>
#include <berichtd/abi.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <yaml-cpp/yaml.h>
#include <zmq.h>

#include <boost/version.hpp>
#include <sstream>

namespace berichtd::app {

std::string versionText() {
  int zMajor = 0, zMinor = 0, zPatch = 0;
  zmq_version(&zMajor, &zMinor, &zPatch);
  const unsigned poco = Poco::Environment::libraryVersion();
  std::ostringstream out;
  out << "berichtd " << BERICHTD_VERSION << "\n"
      << "plugin SDK ABI " << BERICHTD_ABI_MAJOR << "." << BERICHTD_ABI_MINOR << "\n"
      << "Poco " << ((poco >> 24) & 0xff) << "." << ((poco >> 16) & 0xff) << "."
      << ((poco >> 8) & 0xff) << "\n"
      << "ZeroMQ " << zMajor << "." << zMinor << "." << zPatch << "\n"
      << OpenSSL_version(OPENSSL_VERSION) << "\n"
      << "SQLite " << sqlite3_libversion() << "\n"
      << "libpq " << PQlibVersion() / 10000 << "." << PQlibVersion() % 10000 << "\n"
      << "Boost " << BOOST_VERSION / 100000 << "." << BOOST_VERSION / 100 % 1000 << "\n";
  return out.str();
}

}  // namespace berichtd::app
