// `berichtctl import FILE [--dry-run] [--skip-invalid] [--json]` (SPEC M1, M2; docs/import.md,
// docs/berichtctl.md): sends the export's absolute path to POST /admin/v1/import, waits for
// the report (up to kImportTimeout: a million messages take minutes) and prints it.
//
// Exit status: 0 when the file was imported (or, with --dry-run, would import) with no invalid
// line, or the invalid lines were skipped with --skip-invalid; 1 when lines are invalid and
// --skip-invalid is not given (nothing was imported), or the import failed; 2 usage error.
// Invalid lines go to `err` as "line N: CODE: what is wrong"; counts to `out`.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace berichtd::ctl {

inline constexpr std::chrono::hours kImportTimeout{6};

extern const char* const kImportHelp;

struct ImportArgs {
  std::string adminUrl;
  std::string token;
  std::vector<std::string> files;  // exactly one
  bool dryRun = false;
  bool skipInvalid = false;
  bool json = false;
};

int runImport(const ImportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace berichtd::ctl
