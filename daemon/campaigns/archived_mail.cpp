#include "campaigns/archived_mail.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "campaigns/campaign_store.hpp"

namespace berichtd::campaigns {

std::optional<ArchivedMail> mailFromReply(const std::string& key, const std::string& reply,
                                          const std::string& sentAt) {
  try {
    auto o = Poco::JSON::Parser().parse(reply).extract<Poco::JSON::Object::Ptr>();
    if (!o->has("subject") || !o->has("text") || !o->has("template")) return std::nullopt;
    ArchivedMail m;
    // A mail sent outside the outbox is known by its SMTP Message-ID.
    m.key = key.empty() ? "smtp:" + o->optValue<std::string>("message_id", "") : key;
    if (m.key == "smtp:") return std::nullopt;
    m.accountId = o->optValue<int64_t>("account_id", 0);
    if (m.accountId <= 0) return std::nullopt;
    m.templateName = o->getValue<std::string>("template");
    m.subject = o->getValue<std::string>("subject");
    m.text = o->getValue<std::string>("text");
    m.campaign = campaignOfKey(key);
    m.sentAt = sentAt;
    return m;
  } catch (...) {
    return std::nullopt;  // not a mail reply we understand: nothing to archive
  }
}

std::string redactTokens(std::string_view text) {
  static constexpr std::string_view kKey = "token=";
  static constexpr std::string_view kGone = "[verwijderd]";
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (true) {
    const auto at = text.find(kKey, pos);
    if (at == std::string_view::npos) {
      out.append(text.substr(pos));
      return out;
    }
    out.append(text.substr(pos, at - pos + kKey.size()));
    std::size_t end = at + kKey.size();
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\r' &&
           text[end] != '\t' && text[end] != '&' && text[end] != '#' && text[end] != '"' &&
           text[end] != '\'' && text[end] != '>')
      ++end;
    if (end > at + kKey.size()) out.append(kGone);
    pos = end;
  }
}

}  // namespace berichtd::campaigns
