// Umbrella header: everything a plugin author needs.
#pragma once

#include <berichtd/abi.h>
#include <berichtd/context.hpp>
#include <berichtd/message.hpp>
#include <berichtd/plugin.hpp>
#include <berichtd/status.hpp>
#include <berichtd/storage.hpp>
