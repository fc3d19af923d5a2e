#include "plugin/plugin_instance.hpp"

#include "core/logging.hpp"
#include "plugin/plugin_storage.hpp"

#include <Poco/Logger.h>

namespace berichtd::plugin {

bool isValidErrorCode(const std::string& code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library,
                               const config::PluginEntry& entry, HostServices services)
    : library_(std::move(library)),
      name_(entry.name),
      service_(entry.service.value_or(library_->meta().service)),
      services_(std::move(services)),
      secrets_(entry.secrets),
      log_(logger("plugin." + entry.name)) {
  api_.struct_size = sizeof(api_);
  api_.host = this;
  api_.log = &PluginInstance::hostLog;
  api_.now_unix_ms = &PluginInstance::hostNow;
  api_.publish = &PluginInstance::hostPublish;
  api_.call = &PluginInstance::hostCall;
  api_.secret = &PluginInstance::hostSecret;
  api_.sql_batch = &PluginInstance::hostSqlBatch;
  api_.sql_migrate = &PluginInstance::hostSqlMigrate;
}

Result<std::unique_ptr<PluginInstance>> PluginInstance::create(std::shared_ptr<PluginLibrary> library,
                                                               const config::PluginEntry& entry,
                                                               HostServices services) {
  std::unique_ptr<PluginInstance> self(new PluginInstance(std::move(library), entry, std::move(services)));
  std::vector<berichtd_config_entry> cfg;
  cfg.reserve(entry.values.size());
  for (const auto& [k, v] : entry.values) cfg.push_back({toBytes(k), toBytes(v)});
  berichtd_plugin_init init{};
  init.struct_size = sizeof(init);
  init.host = &self->api_;
  init.instance_name = toBytes(entry.name);
  init.config = cfg.data();
  init.config_count = cfg.size();
  init.config_yaml = toBytes(entry.yaml);
  std::string why;
  self->plugin_ = self->library_->createFn()(
      &init, [](void* ctx, berichtd_bytes text) { *static_cast<std::string*>(ctx) = toString(text); },
      &why);
  if (self->plugin_ == nullptr) {
    return Status::error("PLUGIN_CREATE_FAILED",
                         "plugin '" + entry.name + "' (" + self->library_->path() +
                             ") refused to start: " + (why.empty() ? "no reason given" : why));
  }
  return self;
}

PluginInstance::~PluginInstance() {
  if (plugin_ != nullptr) library_->destroyFn()(plugin_);
}

namespace {
struct ReplyCapture {
  int calls = 0;
  bool ok = false;
  std::string code;
  std::string message;
  bool hasReply = false;
  Message reply;
};
}  // namespace

Result<Message> PluginInstance::handle(const Message& request) {
  ReplyCapture cap;
  EnvelopeView view(request);
  try {
    library_->handleFn()(
        plugin_, view.get(),
        [](void* ctx, const berichtd_status* st, const berichtd_envelope* rep) {
          auto* c = static_cast<ReplyCapture*>(ctx);
          if (++c->calls > 1 || st == nullptr) return;
          c->ok = st->ok != 0;
          c->code = toString(st->code);
          c->message = toString(st->message);
          if (rep != nullptr) {
            c->hasReply = true;
            c->reply = fromEnvelope(rep);
          }
        },
        &cap);
  } catch (...) {
    // A C entry point should never throw; one that does fails this request only.
    log_.error("plugin '%s' threw across the ABI on action '%s'", name_, request.action);
    return Status::error("PLUGIN_ERROR", "the plugin failed");
  }
  auto garbage = [&](const std::string& what) -> Result<Message> {
    log_.error("plugin '%s' misbehaved on action '%s': %s", name_, request.action, what);
    return Status::error("PLUGIN_ERROR", "the plugin gave an invalid answer");
  };
  if (cap.calls == 0) return garbage("no reply");
  if (cap.calls > 1) return garbage("replied " + std::to_string(cap.calls) + " times");
  if (!cap.ok) {
    if (!isValidErrorCode(cap.code)) return garbage("error without a valid code");
    return Status::error(cap.code, cap.message);
  }
  if (!cap.hasReply) return garbage("success without a reply");
  if (cap.reply.body.size() > services_.maxReplyBytes) {
    return garbage("reply of " + std::to_string(cap.reply.body.size()) + " bytes is over the limit");
  }
  return std::move(cap.reply);
}

void PluginInstance::hostLog(void* host, int32_t level, berichtd_bytes message) {
  auto* self = static_cast<PluginInstance*>(host);
  const std::string text = toString(message);
  switch (level) {
    case BERICHTD_LOG_DEBUG: self->log_.debug(text); break;
    case BERICHTD_LOG_INFO: self->log_.information(text); break;
    case BERICHTD_LOG_WARNING: self->log_.warning(text); break;
    default: self->log_.error(text); break;
  }
}

int64_t PluginInstance::hostNow(void* host) {
  auto* self = static_cast<PluginInstance*>(host);
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             self->services_.clock->now().time_since_epoch())
      .count();
}

int32_t PluginInstance::hostPublish(void* host, const berichtd_envelope* event) {
  auto* self = static_cast<PluginInstance*>(host);
  if (!self->services_.publish) return 0;
  try {
    return self->services_.publish(fromEnvelope(event)).isOk() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

void PluginInstance::hostCall(void* host, const berichtd_envelope* request, int32_t timeoutMs,
                              berichtd_reply_fn fn, void* fnCtx) {
  auto* self = static_cast<PluginInstance*>(host);
  Result<Message> result = Status::error("SERVICE_UNAVAILABLE", "calls are not available here");
  try {
    if (self->services_.call) {
      result = self->services_.call(fromEnvelope(request), std::chrono::milliseconds(timeoutMs));
    }
  } catch (const std::exception& e) {
    result = Status::error("INTERNAL", e.what());
  }
  berichtd_status st{};
  st.struct_size = sizeof(st);
  if (result.isOk()) {
    st.ok = 1;
    EnvelopeView view(result.value());
    fn(fnCtx, &st, view.get());
  } else {
    st.code = toBytes(result.status().code());
    st.message = toBytes(result.status().message());
    fn(fnCtx, &st, nullptr);
  }
}

int32_t PluginInstance::hostSecret(void* host, berichtd_bytes name, berichtd_bytes_fn fn, void* fnCtx) {
  auto* self = static_cast<PluginInstance*>(host);
  auto it = self->secrets_.find(toString(name));
  if (it == self->secrets_.end()) return 0;
  fn(fnCtx, toBytes(it->second.reveal()));
  return 1;
}

void PluginInstance::hostSqlBatch(void* host, const berichtd_sql_statement* statements, size_t count,
                                  const berichtd_sql_sink* sink) {
  auto* self = static_cast<PluginInstance*>(host);
  if (self->services_.database == nullptr) {
    const std::string code = "STORAGE_UNAVAILABLE", message = "this host has no database";
    berichtd_status st{sizeof(berichtd_status), 0, toBytes(code), toBytes(message), {nullptr, nullptr}};
    sink->status(sink->ctx, &st);
    return;
  }
  runSqlBatch(*self->services_.database, statements, count, sink);
}

void PluginInstance::hostSqlMigrate(void* host, const berichtd_bytes* steps, size_t count,
                                    void (*fn)(void*, const berichtd_status*), void* fnCtx) {
  auto* self = static_cast<PluginInstance*>(host);
  // Recorded under the plugin's own name (its code owns the tables), not the instance's.
  Status s = self->services_.database == nullptr
                 ? Status::error("STORAGE_UNAVAILABLE", "this host has no database")
                 : migratePluginSchema(*self->services_.database, self->library_->meta().name, steps, count);
  if (s.isOk()) self->log_.information("schema of plugin '%s' is up to date", self->library_->meta().name);
  berichtd_status st{sizeof(berichtd_status), s.isOk() ? 1 : 0, toBytes(s.code()), toBytes(s.message()),
                     {nullptr, nullptr}};
  fn(fnCtx, &st);
}

}  // namespace berichtd::plugin
