// What a browser sends the activation pages: an application/x-www-form-urlencoded body and
// the Cookie header. Pure functions, safe on any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace berichtd::app::pages {

// name → value of a form body (`a=1&b=x+y%21`): '+' is a space, %XX decoded; a repeated name
// keeps its first value; a malformed escape is kept as it is (the API then refuses the value).
std::map<std::string, std::string> parseForm(std::string_view body);

// The value of cookie `name` in a Cookie header (`a=1; b=2`); empty when absent.
std::string cookieValue(std::string_view cookieHeader, std::string_view name);

// Constant-time equality for secrets (the CSRF token): the time depends on the lengths only.
bool sameSecret(std::string_view a, std::string_view b);

}  // namespace berichtd::app::pages
