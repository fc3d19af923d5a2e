// What an import found and did, per kind of record (docs/import.md "The report"). Plain data.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "import/import_line.hpp"

namespace berichtd::import {

// Codes of a line that is not imported (each has a knowledge-base page).
inline constexpr const char* kReferenceUnknown{"IMPORT_REFERENCE_UNKNOWN"};
inline constexpr const char* kConflict{"IMPORT_CONFLICT"};

struct KindCounts {
  int64_t toImport = 0;        // new, imported by this run (or by the run a dry run stands for)
  int64_t excludedClosed = 0;  // M2: the account closed too long ago, or records only of such
  int64_t invalid = 0;         // reported with their line number
  int64_t alreadyPresent = 0;  // imported before (same old_id): left as they are
  // Imported before and refreshed from this file (M1: the final export after an early import):
  // an account not yet taken over by the platform, or an open migrated invoice paid since.
  int64_t updated = 0;
};

struct LineProblem {
  int64_t line = 0;  // 1-based line number in the file
  std::string code;  // IMPORT_LINE_INVALID, IMPORT_REFERENCE_UNKNOWN, IMPORT_CONFLICT
  std::string message;
};

struct ImportReport {
  static constexpr std::size_t kMaxProblemsListed = 1000;

  std::array<KindCounts, 3> counts{};  // by LineKind
  std::vector<LineProblem> problems;   // the first kMaxProblemsListed, by line number
  int64_t problemTotal = 0;            // every invalid line
  int64_t lines = 0;                   // lines read, blank ones included
  bool dryRun = false;
  bool written = false;  // false for a dry run and when invalid lines stopped the import

  KindCounts& of(LineKind k) { return counts[static_cast<std::size_t>(k)]; }
  const KindCounts& of(LineKind k) const { return counts[static_cast<std::size_t>(k)]; }
};

}  // namespace berichtd::import
