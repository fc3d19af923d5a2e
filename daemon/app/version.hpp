// The text of `berichtd --version`: our version, the SDK ABI and the linked libraries'.
#pragma once

#include <string>

namespace berichtd::app {
std::string versionText();
}
