#include "auth/qr_svg.hpp"

#include <qrencode.h>

#include <memory>

namespace berichtd::auth {

Result<std::string> qrSvg(std::string_view text) {
  if (text.empty()) return Status::error("QR_ENCODE_FAILED", "nothing to encode");
  const std::string copy(text);  // libqrencode wants a NUL-terminated string
  if (copy.find('\0') != std::string::npos) {
    return Status::error("QR_ENCODE_FAILED", "text contains a NUL byte");
  }
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) return Status::error("QR_ENCODE_FAILED", "text does not fit in a QR code");

  const int width = code->width;
  const int size = width + 2 * kQrQuietZoneModules;
  std::string path;
  path.reserve(static_cast<std::size_t>(width) * static_cast<std::size_t>(width));
  for (int y = 0; y < width; ++y) {
    int x = 0;
    while (x < width) {
      if ((code->data[y * width + x] & 1) == 0) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < width && (code->data[y * width + x] & 1) != 0) ++x;
      const int run = x - start;
      path += "M" + std::to_string(start + kQrQuietZoneModules) + "," +
              std::to_string(y + kQrQuietZoneModules) + "h" + std::to_string(run) + "v1h-" +
              std::to_string(run) + "z";
    }
  }
  const std::string s = std::to_string(size);
  std::string svg;
  svg.reserve(path.size() + 300);
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" shape-rendering=\"crispEdges\">";
  svg += "<rect width=\"" + s + "\" height=\"" + s + "\" fill=\"#ffffff\"/>";
  svg += "<path fill=\"#000000\" d=\"" + path + "\"/>";
  svg += "</svg>\n";
  return svg;
}

}  // namespace berichtd::auth
