/* berichtd plugin ABI — the only thing that crosses a plugin's .so boundary.
 *
 * Plain C: no C++ type, container or exception crosses it. Every struct starts with its
 * struct_size and ends with reserved slots, so a minor ABI version can append fields without
 * breaking older plugins. A plugin exports four functions (see the end of this file); the
 * daemon reads the metadata first and refuses a plugin whose ABI major differs from its own or
 * whose ABI minor is newer, before it calls anything else.
 *
 * Ownership: every pointer handed across is borrowed for the duration of the call only. The
 * receiver copies what it keeps.
 *
 * Plugin authors normally do not use this file directly: <berichtd/plugin.hpp> wraps it.
 */
#ifndef BERICHTD_ABI_H
#define BERICHTD_ABI_H

#include <stddef.h>
#include <stdint.h>

#define BERICHTD_ABI_MAJOR 1
#define BERICHTD_ABI_MINOR 1

#if defined(_WIN32)
#define BERICHTD_PLUGIN_EXPORT __declspec(dllexport)
#else
#define BERICHTD_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed byte range; data need not be NUL-terminated. */
typedef struct berichtd_bytes {
  const char* data;
  size_t size;
} berichtd_bytes;

typedef struct berichtd_header {
  berichtd_bytes name;
  berichtd_bytes value;
} berichtd_header;

/* The message envelope: a request, a reply or a one-way event. */
typedef struct berichtd_envelope {
  uint32_t struct_size;
  berichtd_bytes service;
  berichtd_bytes action;
  berichtd_bytes correlation_id;
  const berichtd_header* headers;
  size_t header_count;
  berichtd_bytes body;
  void* reserved[4];
} berichtd_envelope;

/* Outcome of a call. ok != 0 means success; otherwise code is a stable error code
 * (UPPER_SNAKE_CASE) and message a human-readable text that never contains secrets. */
typedef struct berichtd_status {
  uint32_t struct_size;
  int32_t ok;
  berichtd_bytes code;
  berichtd_bytes message;
  void* reserved[2];
} berichtd_status;

/* Called exactly once per handle/call with the outcome; reply may be NULL on error. The callee
 * copies what it needs before returning. */
typedef void (*berichtd_reply_fn)(void* ctx, const berichtd_status* status,
                                  const berichtd_envelope* reply);
typedef void (*berichtd_bytes_fn)(void* ctx, berichtd_bytes value);

/* Storage (ABI 1.1). One SQL value: a parameter or a result column. */
enum berichtd_sql_type {
  BERICHTD_SQL_NULL = 0,
  BERICHTD_SQL_INTEGER = 1, /* integer */
  BERICHTD_SQL_TEXT = 2,    /* bytes, UTF-8 */
  BERICHTD_SQL_BLOB = 3     /* bytes */
};
typedef struct berichtd_sql_value {
  int32_t type; /* berichtd_sql_type */
  int64_t integer;
  berichtd_bytes bytes;
} berichtd_sql_value;

/* The statement must change or return at least one row, else the whole batch is rolled back
 * with status CONFLICT (a compare-and-set inside the transaction). */
#define BERICHTD_SQL_REQUIRE_ROWS 1

typedef struct berichtd_sql_statement {
  uint32_t struct_size;
  berichtd_bytes sql; /* '?' placeholders; the host adapts them to the database */
  const berichtd_sql_value* params;
  size_t param_count;
  uint32_t flags; /* BERICHTD_SQL_* flags */
  void* reserved[2];
} berichtd_sql_statement;

/* Receives a batch's results: each result row of statement `index`, then once per statement the
 * number of rows it changed (or returned, for a query); finally the outcome. */
typedef struct berichtd_sql_sink {
  uint32_t struct_size;
  void* ctx;
  void (*row)(void* ctx, size_t index, const berichtd_sql_value* columns, size_t column_count);
  void (*done)(void* ctx, size_t index, int64_t rows);
  void (*status)(void* ctx, const berichtd_status* status);
  void* reserved[2];
} berichtd_sql_sink;

enum berichtd_log_level {
  BERICHTD_LOG_DEBUG = 0,
  BERICHTD_LOG_INFO = 1,
  BERICHTD_LOG_WARNING = 2,
  BERICHTD_LOG_ERROR = 3
};

/* What the host offers a plugin. Every function may be called from any thread the plugin
 * is called on; the host makes them thread-safe. */
typedef struct berichtd_host_api {
  uint32_t struct_size;
  void* host;
  /* Log a line under the plugin's name. Never pass message bodies or secrets. */
  void (*log)(void* host, int32_t level, berichtd_bytes message);
  /* The platform clock (may be a manual clock in rehearsals), milliseconds since the epoch. */
  int64_t (*now_unix_ms)(void* host);
  /* Publish a one-way event to a service; returns 1 when the bus accepted it. */
  int32_t (*publish)(void* host, const berichtd_envelope* event);
  /* Call another service and wait for its reply (fn is called before call returns). */
  void (*call)(void* host, const berichtd_envelope* request, int32_t timeout_ms,
               berichtd_reply_fn fn, void* fn_ctx);
  /* Look up a secret from the plugin's configuration ({file: PATH} values); returns 1 and
   * calls fn with the value when found, 0 otherwise. */
  int32_t (*secret)(void* host, berichtd_bytes name, berichtd_bytes_fn fn, void* fn_ctx);
  /* ABI 1.1 — the daemon's database (SQLite or PostgreSQL), shared with the daemon.
   * sql_batch runs the statements in order in ONE transaction and reports through the sink
   * (status is called exactly once, last). Portable SQL only; see docs/plugin-sdk.md. */
  void (*sql_batch)(void* host, const berichtd_sql_statement* statements, size_t count,
                    const berichtd_sql_sink* sink);
  /* Applies the plugin's schema steps (step i is version i + 1) not yet applied for this
   * plugin, each in its own transaction; tokens {{ID}}, {{BLOB}}, {{BIGINT}} are rendered for
   * the database. Calls fn exactly once with the outcome. */
  void (*sql_migrate)(void* host, const berichtd_bytes* steps, size_t count,
                      void (*fn)(void* ctx, const berichtd_status* status), void* fn_ctx);
  void* reserved[6];
} berichtd_host_api;

/* One configuration value, flattened to a dotted key ("tls.mode", "recipients.0"). */
typedef struct berichtd_config_entry {
  berichtd_bytes key;
  berichtd_bytes value;
} berichtd_config_entry;

typedef struct berichtd_plugin_init {
  uint32_t struct_size;
  const berichtd_host_api* host; /* valid until destroy returns */
  berichtd_bytes instance_name;  /* the key under plugins: in the configuration */
  const berichtd_config_entry* config;
  size_t config_count;
  berichtd_bytes config_yaml; /* the plugin's configuration subtree as YAML text */
  void* reserved[4];
} berichtd_plugin_init;

/* Static metadata; the strings live as long as the library is loaded. */
typedef struct berichtd_plugin_meta {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* name;        /* e.g. "echo" */
  const char* version;     /* the plugin's own version */
  const char* service;     /* the bus service it serves by default, e.g. "echo" */
  const char* description;
  const char* compiler_id; /* e.g. "gcc 12.2.0" */
  const char* stdlib_id;   /* e.g. "libstdc++ 20220819" */
  void* reserved[4];
} berichtd_plugin_meta;

typedef struct berichtd_plugin berichtd_plugin; /* opaque plugin instance */

/* The four exported functions, looked up by these names. */
#define BERICHTD_SYMBOL_META "berichtd_plugin_metadata"
#define BERICHTD_SYMBOL_CREATE "berichtd_plugin_create"
#define BERICHTD_SYMBOL_HANDLE "berichtd_plugin_handle"
#define BERICHTD_SYMBOL_DESTROY "berichtd_plugin_destroy"

typedef const berichtd_plugin_meta* (*berichtd_plugin_metadata_fn)(void);
/* Returns NULL on failure and reports why through error_fn. */
typedef berichtd_plugin* (*berichtd_plugin_create_fn)(const berichtd_plugin_init* init,
                                                      berichtd_bytes_fn error_fn, void* error_ctx);
/* Handles one request; calls fn exactly once. May be called from several threads at once. */
typedef void (*berichtd_plugin_handle_fn)(berichtd_plugin* plugin, const berichtd_envelope* request,
                                          berichtd_reply_fn fn, void* fn_ctx);
typedef void (*berichtd_plugin_destroy_fn)(berichtd_plugin* plugin);

#ifdef __cplusplus
}
#endif

#endif /* BERICHTD_ABI_H */
