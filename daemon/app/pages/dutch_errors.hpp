// The Dutch sentence an activation page shows for an API error code (SPEC D2: the user reads
// what went wrong and what to do; the knowledge-base link /kennisbank/CODE tells more). Codes
// without a sentence of their own get a general one. Pure, safe on any thread.
#pragma once

#include <string>

namespace berichtd::app::pages {

std::string dutchError(const std::string& code);

}  // namespace berichtd::app::pages
