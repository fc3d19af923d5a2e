#include "app/pages/page_layout.hpp"

#include "app/pages/dutch_errors.hpp"
#include "core/html.hpp"

namespace berichtd::app::pages {

using core::escapeHtml;

std::string renderPage(const Page& page) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  // The access and request links carry their token in the URL: never pass it on (AC2).
  h += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  if (page.refreshSeconds)
    h += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(*page.refreshSeconds) +
         ";url=" + escapeHtml(page.refreshPath) + "\">\n";
  h += "<title>" + escapeHtml(page.title) + " — ZilliZ berichtenapp</title>\n";
  // One column; large targets and text for a phone; a visible focus ring for keyboard users.
  h += "<style>\n"
       "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem;"
       "margin-inline:auto;color:#1a1a1a;line-height:1.5;font-size:1.05rem}\n"
       "h1{font-size:1.5rem;line-height:1.25}\n"
       "label{display:block;font-weight:bold;margin-top:1rem}\n"
       "input[type=text],input[type=password]{display:block;width:100%;box-sizing:border-box;"
       "font-size:1.1rem;padding:.6rem;margin-top:.25rem;border:2px solid #555;"
       "border-radius:.3rem}\n"
       ".check{display:flex;gap:.6rem;align-items:flex-start;margin-top:1rem}"
       ".check label{margin-top:0;font-weight:normal}"
       ".check input{width:1.4rem;height:1.4rem;flex:none}\n"
       "button,.button{display:inline-block;margin-top:1.25rem;font-size:1.1rem;"
       "padding:.7rem 1.2rem;border:0;border-radius:.3rem;background:#1f4e9c;color:#fff;"
       "text-decoration:none;cursor:pointer}\n"
       ":focus-visible{outline:3px solid #b34700;outline-offset:2px}\n"
       ".hint{color:#444;font-size:.95rem;margin:.25rem 0 0}\n"
       ".alert{border:2px solid #b00020;background:#fdecee;padding:.75rem 1rem;"
       "border-radius:.3rem}\n"
       ".ok{border:2px solid #1f7a3a;background:#eaf6ee;padding:.75rem 1rem;border-radius:.3rem}\n"
       ".secret{font-family:ui-monospace,monospace;font-size:1.1rem;word-break:break-all}\n"
       ".codes{font-family:ui-monospace,monospace;font-size:1.1rem;columns:2}\n"
       "img.qr{width:14rem;height:14rem;max-width:100%;image-rendering:pixelated;"
       "background:#fff}\n"
       "blockquote{margin:1rem 0;padding-left:1rem;border-left:4px solid #ccc}\n"
       "</style>\n</head>\n<body>\n<main>\n";
  h += "<h1>" + escapeHtml(page.title) + "</h1>\n";
  h += page.html;
  h += "</main>\n</body>\n</html>\n";
  return h;
}

std::string paragraph(const std::string& text) { return "<p>" + escapeHtml(text) + "</p>\n"; }

std::string errorBlock(const std::string& code) {
  const std::string c = escapeHtml(code);
  return "<div class=\"alert\" role=\"alert\" id=\"fout\" data-code=\"" + c + "\">\n<p>" +
         escapeHtml(dutchError(code)) + "</p>\n<p>Foutcode " + c + ": <a href=\"/kennisbank/" + c +
         "\">lees meer in de kennisbank</a>.</p>\n</div>\n";
}

std::string hiddenField(const std::string& name, const std::string& value) {
  return "<input type=\"hidden\" name=\"" + escapeHtml(name) + "\" value=\"" + escapeHtml(value) +
         "\">\n";
}

std::string inputField(const Field& f) {
  const std::string id = escapeHtml(f.id);
  std::string h = "<label for=\"" + id + "\">" + escapeHtml(f.label) + "</label>\n";
  h += "<input id=\"" + id + "\" name=\"" + id + "\" type=\"" + escapeHtml(f.type) + "\"";
  if (!f.value.empty()) h += " value=\"" + escapeHtml(f.value) + "\"";
  if (!f.autocomplete.empty()) h += " autocomplete=\"" + escapeHtml(f.autocomplete) + "\"";
  if (!f.inputmode.empty()) h += " inputmode=\"" + escapeHtml(f.inputmode) + "\"";
  if (!f.hint.empty()) h += " aria-describedby=\"" + id + "-hint\"";
  if (f.required) h += " required";
  h += ">\n";
  if (!f.hint.empty())
    h += "<p class=\"hint\" id=\"" + id + "-hint\">" + escapeHtml(f.hint) + "</p>\n";
  return h;
}

std::string postForm(const std::string& path, const std::string& csrf, const std::string& inner,
                     const std::string& button) {
  return "<form method=\"post\" action=\"" + escapeHtml(path) + "\">\n" +
         hiddenField("csrf", csrf) + inner + "<button type=\"submit\">" + escapeHtml(button) +
         "</button>\n</form>\n";
}

}  // namespace berichtd::app::pages
