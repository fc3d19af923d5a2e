// Writing a plugin: derive from berichtd::Plugin, give the class a static factory
//
//   static berichtd::Result<std::unique_ptr<MyPlugin>> create(berichtd::PluginContext ctx);
//
// and put BERICHTD_PLUGIN(MyPlugin, "name", "version", "service", "description") in exactly
// one .cpp file of the plugin. The macro defines the four extern "C" entry points of
// <berichtd/abi.h>; no C++ type or exception crosses the library boundary.
//
// Threading: handle() may be called from several threads at once (one per bus worker); a
// plugin guards its own shared state. Lifetime: the daemon destroys the plugin before it
// unloads the library, and never unloads a library while anything it made is alive.
#pragma once

#include <berichtd/abi.h>
#include <berichtd/context.hpp>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>

#include <exception>
#include <memory>
#include <string>

namespace berichtd {

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Handles one request and returns the reply (its body is the answer) or an error status.
  virtual Result<Message> handle(const Message& request) = 0;
};

namespace detail {

inline void replyWith(berichtd_reply_fn fn, void* ctx, const Result<Message>& r) {
  berichtd_status st{};
  st.struct_size = sizeof st;
  if (r.isOk()) {
    st.ok = 1;
    EnvelopeView view(r.value());
    fn(ctx, &st, view.get());
  } else {
    st.ok = 0;
    st.code = toBytes(r.status().code());
    st.message = toBytes(r.status().message());
    fn(ctx, &st, nullptr);
  }
}

inline void replyError(berichtd_reply_fn fn, void* ctx, const char* code, const std::string& msg) {
  replyWith(fn, ctx, Result<Message>(Status::error(code, msg)));
}

#define BERICHTD_STRINGIFY2(x) #x
#define BERICHTD_STRINGIFY(x) BERICHTD_STRINGIFY2(x)
#if defined(__clang__)
#define BERICHTD_COMPILER_ID "clang " __clang_version__
#elif defined(__GNUC__)
#define BERICHTD_COMPILER_ID \
  "gcc " BERICHTD_STRINGIFY(__GNUC__) "." BERICHTD_STRINGIFY(__GNUC_MINOR__)
#else
#define BERICHTD_COMPILER_ID "unknown"
#endif
#if defined(_GLIBCXX_RELEASE)
#define BERICHTD_STDLIB_ID "libstdc++ " BERICHTD_STRINGIFY(_GLIBCXX_RELEASE)
#elif defined(_LIBCPP_VERSION)
#define BERICHTD_STDLIB_ID "libc++ " BERICHTD_STRINGIFY(_LIBCPP_VERSION)
#else
#define BERICHTD_STDLIB_ID "unknown"
#endif

}  // namespace detail
}  // namespace berichtd

// Defines the plugin's exported entry points. Use once per plugin library.
#define BERICHTD_PLUGIN(Class, NAME, VERSION, SERVICE, DESCRIPTION)                            \
  extern "C" BERICHTD_PLUGIN_EXPORT const berichtd_plugin_meta* berichtd_plugin_metadata() {   \
    static const berichtd_plugin_meta meta = {sizeof(berichtd_plugin_meta),                    \
                                              BERICHTD_ABI_MAJOR,                              \
                                              BERICHTD_ABI_MINOR,                              \
                                              NAME,                                            \
                                              VERSION,                                         \
                                              SERVICE,                                         \
                                              DESCRIPTION,                                     \
                                              BERICHTD_COMPILER_ID,                            \
                                              BERICHTD_STDLIB_ID,                              \
                                              {}};                                             \
    return &meta;                                                                              \
  }                                                                                            \
  extern "C" BERICHTD_PLUGIN_EXPORT berichtd_plugin* berichtd_plugin_create(                   \
      const berichtd_plugin_init* init, berichtd_bytes_fn error_fn, void* error_ctx) {         \
    try {                                                                                      \
      auto made = Class::create(::berichtd::PluginContext(init));                              \
      if (!made.isOk()) {                                                                      \
        const std::string why = made.status().toString();                                      \
        error_fn(error_ctx, ::berichtd::toBytes(why));                                         \
        return nullptr;                                                                        \
      }                                                                                        \
      ::berichtd::Plugin* p = std::move(made).value().release();                               \
      return reinterpret_cast<berichtd_plugin*>(p);                                            \
    } catch (const std::exception& e) {                                                        \
      const std::string why = std::string("plugin threw during create: ") + e.what();          \
      error_fn(error_ctx, ::berichtd::toBytes(why));                                           \
    } catch (...) {                                                                            \
      error_fn(error_ctx, ::berichtd::toBytes("plugin threw during create"));                  \
    }                                                                                          \
    return nullptr;                                                                            \
  }                                                                                            \
  extern "C" BERICHTD_PLUGIN_EXPORT void berichtd_plugin_handle(                               \
      berichtd_plugin* plugin, const berichtd_envelope* request, berichtd_reply_fn fn,         \
      void* ctx) {                                                                             \
    try {                                                                                      \
      auto* p = reinterpret_cast<::berichtd::Plugin*>(plugin);                                 \
      ::berichtd::detail::replyWith(fn, ctx, p->handle(::berichtd::fromEnvelope(request)));    \
    } catch (const std::exception& e) {                                                        \
      ::berichtd::detail::replyError(fn, ctx, "PLUGIN_ERROR",                                  \
                                     std::string("plugin threw: ") + e.what());                \
    } catch (...) {                                                                            \
      ::berichtd::detail::replyError(fn, ctx, "PLUGIN_ERROR", "plugin threw");                 \
    }                                                                                          \
  }                                                                                            \
  extern "C" BERICHTD_PLUGIN_EXPORT void berichtd_plugin_destroy(berichtd_plugin* plugin) {    \
    delete reinterpret_cast<::berichtd::Plugin*>(plugin);                                      \
  }
