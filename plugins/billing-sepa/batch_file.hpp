// writeFileAtomically: a batch file appears under its final name complete or not at all — an
// operator (or an upload job) watching output_dir never picks up half a file. Written to a
// temporary name in the same folder, flushed to disk, then renamed over the final name.
//
// Contract: SEPA_FILE_WRITE_FAILED naming the file (never its content) when the folder cannot
// be written; the temporary file is removed then. An existing file of that name is replaced.
#pragma once

#include <berichtd/status.hpp>
#include <filesystem>
#include <string>

namespace berichtd::sepa {

Status writeFileAtomically(const std::filesystem::path& target, const std::string& content);

}  // namespace berichtd::sepa
