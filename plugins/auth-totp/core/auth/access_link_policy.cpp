#include "auth/access_link_policy.hpp"

#include <string>

namespace berichtd::auth {

TimePoint accessLinkExpiresAt(const AccessLink& link) {
  return link.issuedAt + kAccessLinkValidity;
}

Status checkAccessLink(const AccessLink& link, TimePoint now) {
  if (link.used) {
    return Status::error(std::string(kAccessLinkUsed), "this access link has already been used");
  }
  if (link.superseded || now >= accessLinkExpiresAt(link)) {
    return Status::error(std::string(kAccessLinkExpired), "this access link is no longer valid");
  }
  return Status::ok();
}

bool requestLinkUsable(std::string_view accountState) { return accountState == "migrated"; }

}  // namespace berichtd::auth
