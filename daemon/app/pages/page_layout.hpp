// The frame every activation page shares, and the small pieces its forms are made of (SPEC
// AC3; docs/activation-pages.md "Accessibility"): a Dutch HTML5 document (lang="nl"), a phone
// viewport, one column, no JavaScript, no external resources; form fields that always carry a
// <label>; an error block that names the code and links to /kennisbank/CODE.
// Every text argument is plain text and escaped here; `html` arguments are markup built by
// these functions. Pure, safe on any thread.
#pragma once

#include <optional>
#include <string>

namespace berichtd::app::pages {

struct Page {
  int status = 200;
  std::string title;  // plain text, also the <h1>
  std::string html;   // the markup under the <h1>
  // A page that looks again by itself (<meta http-equiv="refresh">): after so many seconds,
  // at that same-site path.
  std::optional<int> refreshSeconds;
  std::string refreshPath;
};

// The whole document.
std::string renderPage(const Page& page);

// <p> with escaped text.
std::string paragraph(const std::string& text);
// The error block (role="alert"): the Dutch sentence, the code, the knowledge-base link.
std::string errorBlock(const std::string& code);
// <input type="hidden">.
std::string hiddenField(const std::string& name, const std::string& value);
// A labelled input: <label for=id>label</label><input id=id name=id type=… autocomplete=…>.
// `hint` (plain text, may be empty) is tied to the input with aria-describedby.
struct Field {
  std::string id;
  std::string label;
  std::string type = "text";
  std::string value;
  std::string autocomplete;
  std::string hint;
  std::string inputmode;
  bool required = true;
};
std::string inputField(const Field& f);
// <form method="post" action=path> with the CSRF field, the inner markup and a submit button.
std::string postForm(const std::string& path, const std::string& csrf, const std::string& inner,
                     const std::string& button);

}  // namespace berichtd::app::pages
