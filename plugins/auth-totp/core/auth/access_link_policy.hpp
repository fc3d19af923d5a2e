// Access-link and request-link rules (SPEC AC1, AC2; issue 3 item 5). Pure functions on
// values: the caller passes `now` from berichtd::Clock; no storage, no I/O.
//
// Contract:
// - An access link is valid for kAccessLinkValidity = 24 h after issuedAt (AC2): valid while
//   now < issuedAt + 24 h; EXACTLY 24 h after issue it is expired (half-open interval, the same
//   convention as sessions and locks). A now before issuedAt (a manual clock set back) counts
//   as valid.
// - checkAccessLink(link, now), first match wins:
//     used                  -> ACCESS_LINK_USED    (single-use, AC2; also when it has since
//                                                   expired or been superseded: the truest hint)
//     superseded            -> ACCESS_LINK_EXPIRED (a newer link was requested, AC2; answered as
//                                                   expired, not a code of its own: API.md lists
//                                                   only these two, the remedy is the same, and it
//                                                   does not reveal that someone asked for a link)
//     now >= expiresAt      -> ACCESS_LINK_EXPIRED
//     otherwise             -> ok
// - requestLinkUsable(state): the request link from the activation mail works while the
//   account state (A4) is "migrated", and not once it is "active", "closed" or "deleted" (AC1),
//   nor for any unknown state (fail closed).
// Thread-safety: pure functions on values; safe from any thread.
#pragma once

#include <chrono>
#include <string_view>

#include "berichtd/status.hpp"
#include "core/clock.hpp"

namespace berichtd::auth {

inline constexpr std::chrono::hours kAccessLinkValidity{24};  // AC2
inline constexpr std::string_view kAccessLinkExpired = "ACCESS_LINK_EXPIRED";
inline constexpr std::string_view kAccessLinkUsed = "ACCESS_LINK_USED";

struct AccessLink {
  TimePoint issuedAt;
  bool used = false;        // redeemed once (single-use)
  bool superseded = false;  // a newer link was requested for the account
};

TimePoint accessLinkExpiresAt(const AccessLink& link);
Status checkAccessLink(const AccessLink& link, TimePoint now);
bool requestLinkUsable(std::string_view accountState);

}  // namespace berichtd::auth
