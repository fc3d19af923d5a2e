// QR code of a text (the otpauth URI, SPEC AU2) rendered as a standalone SVG via libqrencode.
//
// Contract: error-correction level M, byte mode, smallest fitting version, a 4-module quiet
// zone (ISO/IEC 18004), one white background <rect> and all dark modules in ONE <path>
// (horizontal runs merged), shape-rendering="crispEdges", viewBox in module units so the
// picture scales without blurring. Errors: QR_ENCODE_FAILED (empty or too long text); the
// message never contains the text (it holds a TOTP secret).
// Thread-safety: libqrencode 4 is reentrant when built with pthreads (Debian's is); safe from
// any thread.
#pragma once

#include <string>
#include <string_view>

#include "berichtd/status.hpp"

namespace berichtd::auth {

inline constexpr int kQrQuietZoneModules = 4;

Result<std::string> qrSvg(std::string_view text);

}  // namespace berichtd::auth
