// billing_bench: the billing run (BillingStore::run, SPEC B6/B8) over N active accounts that are
// all due on one day, on SQLite, beside a raw bulk insert of the same rows measured in the same
// run (issue 5: within 3x of the raw insert, peak memory reported).
//
//   0. setup (not timed as part of the run, its time is printed): a fresh SQLite database in a
//      temporary directory, opened with Database::open and migrate()d; N accounts in state
//      `active` with a customer, a `valid` mandate and a subscription whose next period starts
//      on the run day (billing day 16, run day 2026-03-16), so every account has exactly one
//      period due. Inserted through runSql in db.transact(), kSetupChunk accounts per
//      transaction. The mandate's iban_sealed column holds an opaque placeholder text: the run
//      never reads it, so nothing is sealed here.
//      Then a consistent copy of that database (VACUUM INTO: same schema, indexes and setup rows)
//      for the raw baseline.
//   1. raw baseline on the copy, through the SQLite C API on one connection with the daemon's
//      settings (busy_timeout 5000, WAL, synchronous NORMAL, foreign_keys ON): the rows a run
//      writes — per account one invoice (same columns, values of the same shape), one charge,
//      one outbox job (a JSON body of the same shape, built by string appends), one subscription
//      update; the supplier row once and the invoice counter row once per transaction — with one
//      prepared statement per table, kRawChunk accounts per BEGIN IMMEDIATE ... COMMIT. No
//      look-ups: values are computed from the account id. This is the bulk-insert ceiling.
//   2. the run: BillingStore::run(2026-03-16, settings) (tariff 1350 cents from 2026-01-01,
//      supplier filled in) on the first database: wall time, accounts/s; the process's resident
//      set is sampled every 10 ms during the run (VmRSS) and VmHWM read before and after.
//      Afterwards it verifies: N invoices, N charges, N outbox jobs, every subscription moved on
//      one month, invoice numbers 2026-000001 .. N without gaps (numeric min 1, max N, N
//      distinct), the counter at N; and the same counts in the raw database.
//   3. ratio run / raw (target <= 3x) and peak memory (ru_maxrss of the whole process).
// The last output line, BILLING_BENCH_JSON {...}, is a summary.
//
//   billing_bench [N accounts, default 1000000] [chunk size, default: BillingStore's default]
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "billing/billing_rules.hpp"
#include "billing/billing_store.hpp"
#include "billing/invoice_numbers.hpp"
#include "core/clock.hpp"
#include "core/crypto/secret_box.hpp"
#include "storage/database.hpp"
#include "storage/sql_run.hpp"

namespace {

using namespace berichtd;
using Steady = std::chrono::steady_clock;
using bench::die;
using bench::RssSampler;
using bench::seconds;
using bench::statusKb;
using storage::runSql;
using Raw = bench::RawSqlite;
constexpr auto text = bench::bindText;

constexpr const char* kRunDay = "2026-03-16";
constexpr const char* kNextStart = "2026-04-16";  // the subscription after the run
constexpr const char* kLastDay = "2026-04-15";    // the period's last day
constexpr int kBillingDay = 16;
constexpr int kYear = 2026;
constexpr const char* kNow = "2026-03-16T05:00:00.000Z";  // the run's clock (run_hour 6, CET)
constexpr const char* kCreated = "2019-05-16T10:00:00.000Z";
constexpr int64_t kTariffCents = 1350;
constexpr int kSetupChunk = 20000;  // accounts per setup transaction
constexpr int kRawChunk = 10000;    // accounts per raw-baseline transaction
constexpr const char* kKey = "k1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr const char* kWebhook = "https://b.example.nl/api/v1/webhooks/mollie";
constexpr const char* kDescription = "Abonnement ZilliZ berichtenapp";

void check(const Status& s, const std::string& what) {
  if (!s) die(what + ": " + s.toString());
}

// The per-account values both databases get (deterministic, so the raw baseline needs no reads).
std::string customerId(int64_t id) { return "cst_" + std::to_string(1000000000 + id); }
std::string holder(int64_t id) { return "Praktijk " + std::to_string(id); }
std::string billingAddress(int64_t id) {
  return "Dorpsstraat " + std::to_string(id % 500 + 1) + "\n1234 AB Ergens";
}

long maxRssKb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // kB on Linux
}

double mib(long kb) { return static_cast<double>(kb) / 1024.0; }

int64_t fileBytes(const std::filesystem::path& p) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

int64_t databaseBytes(const std::filesystem::path& p) {
  return fileBytes(p) + fileBytes(p.string() + "-wal");
}

// --- setup ------------------------------------------------------------------------------------

void setup(storage::Database& db, int64_t n) {
  for (int64_t first = 1; first <= n; first += kSetupChunk) {
    const int64_t last = std::min(n, first + kSetupChunk - 1);
    check(db.transact([&](Poco::Data::Session& tx) {
      for (int64_t id = first; id <= last; ++id) {
        const std::string email = "praktijk" + std::to_string(id) + "@example.nl";
        (void)runSql(
            db, tx,
            "INSERT INTO accounts (id, email, email_key, agb_code, state, created_at, "
            "last_activity_at, inserted_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
            {id, email, email, std::to_string(10000000 + id), kCreated, kCreated, kCreated});
        (void)runSql(db, tx,
                     "INSERT INTO billing_customers (account_id, customer_id) VALUES (?, ?)",
                     {id, customerId(id)});
        (void)runSql(
            db, tx,
            "INSERT INTO billing_mandates (account_id, reference, provider_mandate_id, "
            "account_holder, billing_address, iban_sealed, iban_masked, consent_at, "
            "consent_client, consent_text_version, state, created_at) VALUES (?, ?, ?, "
            "?, ?, ?, 'NL** **** **** **** 4300', ?, '192.0.2.1', '2026-01', 'valid', ?)",
            {id, "ZLZ-" + std::to_string(id), "mdt_" + std::to_string(id), holder(id),
             billingAddress(id), "opaque-bench-placeholder-not-a-sealed-iban", kCreated, kCreated});
        (void)runSql(db, tx,
                     "INSERT INTO billing_subscriptions (account_id, billing_day, "
                     "next_period_start, activated_on) VALUES (?, ?, ?, '2026-01-16')",
                     {id, kBillingDay, kRunDay});
      }
    }),
          "setup");
  }
}

// --- raw baseline (SQLite C API) --------------------------------------------------------------

// What a run writes for n accounts, as fast as plain SQLite takes it.
void rawInsert(Raw& raw, int64_t n, const billing::Amounts& a,
               const billing::BillingSettings& settings) {
  std::string supplierAddress;
  for (const auto& l : settings.supplier.address)
    supplierAddress += (supplierAddress.empty() ? "" : "\n") + l;
  raw.exec("BEGIN IMMEDIATE");
  sqlite3_stmt* sup = raw.prepare(
      "INSERT INTO billing_suppliers (name, address, kvk, vat_number) VALUES (?, ?, ?, ?)");
  text(sup, 1, settings.supplier.name);
  text(sup, 2, supplierAddress);
  text(sup, 3, settings.supplier.kvk);
  text(sup, 4, settings.supplier.vatNumber);
  raw.step(sup);
  const int64_t supplier = raw.lastId();
  raw.exec("COMMIT");

  sqlite3_stmt* inv = raw.prepare(
      "INSERT INTO invoices (account_id, number, issued_on, period_start, period_last_day, "
      "amount_excl_cents, vat_percent, vat_cents, supplier_id, customer_name, customer_address, "
      "state, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 'billing')");
  sqlite3_stmt* charge = raw.prepare(
      "INSERT INTO billing_charges (account_id, invoice_id, kind, attempt, idempotency_key, "
      "amount_cents, status, created_at, updated_at) VALUES (?, ?, 'collection', 1, ?, ?, "
      "'queued', ?, ?)");
  sqlite3_stmt* job = raw.prepare(
      "INSERT INTO outbox (service, action, idempotency_key, headers, body, state, attempts, "
      "next_attempt_at, created_at) VALUES ('billing', 'create_recurring_payment', ?, '{}', ?, "
      "'pending', 0, '1970-01-01T00:00:00.000Z', ?)");
  sqlite3_stmt* sub =
      raw.prepare("UPDATE billing_subscriptions SET next_period_start = ? WHERE account_id = ?");
  sqlite3_stmt* counter = raw.prepare(
      "INSERT INTO invoice_counters (year, last_number) VALUES (?, ?) ON CONFLICT (year) DO "
      "UPDATE SET last_number = excluded.last_number");

  std::string body;
  for (int64_t first = 1; first <= n; first += kRawChunk) {
    const int64_t last = std::min(n, first + kRawChunk - 1);
    raw.exec("BEGIN IMMEDIATE");
    for (int64_t id = first; id <= last; ++id) {
      const std::string number = billing::formatInvoiceNumber(kYear, id);
      sqlite3_bind_int64(inv, 1, id);
      text(inv, 2, number);
      sqlite3_bind_text(inv, 3, kRunDay, -1, SQLITE_STATIC);
      sqlite3_bind_text(inv, 4, kRunDay, -1, SQLITE_STATIC);
      sqlite3_bind_text(inv, 5, kLastDay, -1, SQLITE_STATIC);
      sqlite3_bind_int64(inv, 6, a.exclCents);
      sqlite3_bind_int(inv, 7, billing::kVatPercent);
      sqlite3_bind_int64(inv, 8, a.vatCents);
      sqlite3_bind_int64(inv, 9, supplier);
      text(inv, 10, holder(id));
      text(inv, 11, billingAddress(id));
      raw.step(inv);
      const int64_t invoiceId = raw.lastId();
      const std::string key = "collect:" + std::to_string(invoiceId) + ":1";

      sqlite3_bind_int64(charge, 1, id);
      sqlite3_bind_int64(charge, 2, invoiceId);
      text(charge, 3, key);
      sqlite3_bind_int64(charge, 4, a.totalCents);
      sqlite3_bind_text(charge, 5, kNow, -1, SQLITE_STATIC);
      sqlite3_bind_text(charge, 6, kNow, -1, SQLITE_STATIC);
      raw.step(charge);

      body.clear();
      body += "{\"account_id\":" + std::to_string(id);
      body += ",\"amount_cents\":" + std::to_string(a.totalCents);
      body += ",\"customer_id\":\"" + customerId(id);
      body += "\",\"description\":\"" + settings.description + " " + number;
      body += "\",\"invoice_number\":\"" + number;
      body += "\",\"webhook_url\":\"" + settings.webhookUrl + "\"}";
      text(job, 1, key);
      sqlite3_bind_blob(job, 2, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(job, 3, kNow, -1, SQLITE_STATIC);
      raw.step(job);

      sqlite3_bind_text(sub, 1, kNextStart, -1, SQLITE_STATIC);
      sqlite3_bind_int64(sub, 2, id);
      raw.step(sub);
    }
    sqlite3_bind_int(counter, 1, kYear);
    sqlite3_bind_int64(counter, 2, last);
    raw.step(counter);
    raw.exec("COMMIT");
  }
}

// --- verification -----------------------------------------------------------------------------

struct Counts {
  int64_t invoices = -1, charges = -1, jobs = -1, movedOn = -1, distinctNumbers = -1;
  int64_t counter = -1;
  int64_t minSequence = -1, maxSequence = -1;  // the NNNNNN of YYYY-NNNNNN, as numbers
};

const char* const kCountSql[] = {
    "SELECT COUNT(*) FROM invoices WHERE source = 'billing' AND period_start = '2026-03-16'",
    "SELECT COUNT(*) FROM billing_charges WHERE kind = 'collection' AND attempt = 1",
    "SELECT COUNT(*) FROM outbox WHERE action = 'create_recurring_payment'",
    "SELECT COUNT(*) FROM billing_subscriptions WHERE next_period_start = '2026-04-16'",
    "SELECT COUNT(DISTINCT number) FROM invoices",
    "SELECT last_number FROM invoice_counters WHERE year = 2026",
};

Counts countRun(storage::Database& db) {
  Counts c;
  check(db.read([&](Poco::Data::Session& s) {
    int64_t* into[] = {&c.invoices, &c.charges,         &c.jobs,
                       &c.movedOn,  &c.distinctNumbers, &c.counter};
    for (std::size_t i = 0; i < std::size(kCountSql); ++i) {
      auto r = runSql(db, s, kCountSql[i]);
      *into[i] = r.rows.empty() ? 0 : r.rows[0][0].intOr(-1);
    }
    // As numbers: past 999999 the text "2026-1000000" sorts before "2026-999999".
    auto r = runSql(db, s,
                    "SELECT MIN(CAST(substr(number, 6) AS INTEGER)), MAX(CAST(substr(number, 6) "
                    "AS INTEGER)) FROM invoices WHERE number LIKE '2026-%'");
    c.minSequence = r.rows.at(0).at(0).intOr(-1);
    c.maxSequence = r.rows.at(0).at(1).intOr(-1);
  }),
        "verify");
  return c;
}

Counts countRaw(Raw& raw) {
  Counts c;
  int64_t* into[] = {&c.invoices, &c.charges, &c.jobs, &c.movedOn, &c.distinctNumbers, &c.counter};
  for (std::size_t i = 0; i < std::size(kCountSql); ++i) *into[i] = raw.count(kCountSql[i]);
  return c;
}

bool complete(const Counts& c, int64_t n) {
  return c.invoices == n && c.charges == n && c.jobs == n && c.movedOn == n &&
         c.distinctNumbers == n && c.counter == n;
}

}  // namespace

// The temporary directory with both databases, removed on every way out.
struct TempDir {
  std::filesystem::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

int main(int argc, char** argv) {
  TempDir dir;
  try {
    const int64_t n = argc > 1 ? std::stoll(argv[1]) : 1000000;
    const int chunk = argc > 2 ? std::stoi(argv[2]) : 0;  // 0: the default of run()
    if (n < 1) die("N must be at least 1");
    Poco::Data::SQLite::Connector::registerConnector();

    std::string dirTemplate = (std::filesystem::temp_directory_path() / "billing_bench.XXXXXX");
    if (::mkdtemp(dirTemplate.data()) == nullptr) die("mkdtemp failed");
    dir.path = dirTemplate;
    const std::filesystem::path runPath = dir.path / "run.db", rawPath = dir.path / "raw.db";
    std::printf("billing_bench: N = %lld accounts due on %s, chunk size %s, in %s\n",
                static_cast<long long>(n), kRunDay,
                chunk > 0 ? std::to_string(chunk).c_str() : "default (BillingStore::run)",
                dir.path.c_str());

    billing::BillingSettings settings;
    settings.tariffs = {{*billing::parseDate("2026-01-01"), kTariffCents}};
    settings.retryDays = {8, 8, 8};
    settings.supplier = {
        "ZilliZ B.V.", {"Straat 1", "1234 AB Plaats"}, "12345678", "NL001234567B01"};
    settings.description = kDescription;
    settings.webhookUrl = kWebhook;
    settings.loginUrl = "https://b.example.nl/";
    const billing::Amounts amounts = *billing::amounts(kTariffCents);

    // 0. setup
    config::StorageConfig cfg;
    cfg.url = "sqlite://" + runPath.string();
    auto opened = storage::Database::open(cfg);
    if (!opened) die("open: " + opened.status().toString());
    std::unique_ptr<storage::Database> db = std::move(opened).value();
    check(db->migrate(), "migrate");
    const auto s0 = Steady::now();
    setup(*db, n);
    const auto s1 = Steady::now();
    {
      Raw copier(runPath.string());
      copier.exec(("VACUUM INTO '" + rawPath.string() + "'").c_str());
    }
    const auto s2 = Steady::now();
    std::printf(
        "setup: %lld accounts, customers, mandates, subscriptions in %.2f s; copy for the "
        "raw baseline (VACUUM INTO) %.2f s\n",
        static_cast<long long>(n), seconds(s0, s1), seconds(s1, s2));

    // 1. raw baseline
    Raw raw(rawPath.string());
    const auto r0 = Steady::now();
    rawInsert(raw, n, amounts, settings);
    const auto r1 = Steady::now();
    const double rawSeconds = seconds(r0, r1);
    const Counts rawCounts = countRaw(raw);
    if (!complete(rawCounts, n)) die("raw baseline wrote the wrong number of rows");
    std::printf("raw bulk insert: %.2f s (%.0f accounts/s; %d accounts per transaction)\n",
                rawSeconds, static_cast<double>(n) / rawSeconds, kRawChunk);

    // 2. the run
    ManualClock clock(*parseIso8601(kNow));
    auto box = crypto::SecretBox::fromKeyText(kKey);
    if (!box) die("secret box: " + box.status().toString());
    billing::BillingStore store(*db, clock, *box);
    const long hwmBefore = statusKb("VmHWM:"), rssBefore = statusKb("VmRSS:");
    const auto runDay = *billing::parseDate(kRunDay);
    RssSampler sampler;
    const auto t0 = Steady::now();
    auto report = chunk > 0 ? store.run(runDay, settings, chunk) : store.run(runDay, settings);
    const auto t1 = Steady::now();
    const long rssPeakRun = sampler.finish();
    const long hwmAfter = statusKb("VmHWM:"), rssAfter = statusKb("VmRSS:");
    if (!report) die("run: " + report.status().toString());
    const double runSeconds = seconds(t0, t1);
    std::printf("billing run: %.2f s (%.0f accounts/s), %lld invoices, %lld charges\n", runSeconds,
                static_cast<double>(n) / runSeconds, static_cast<long long>(report->invoices),
                static_cast<long long>(report->charges));

    const Counts c = countRun(*db);
    // n distinct numbers between 1 and n: 1..n, each once, no gaps.
    const bool ok =
        complete(c, n) && report->invoices == n && c.minSequence == 1 && c.maxSequence == n;
    std::printf(
        "verify: invoices %lld, charges %lld, outbox jobs %lld, subscriptions moved on "
        "%lld, numbers %s..%s (%lld distinct), counter %lld -> %s\n",
        static_cast<long long>(c.invoices), static_cast<long long>(c.charges),
        static_cast<long long>(c.jobs), static_cast<long long>(c.movedOn),
        billing::formatInvoiceNumber(kYear, c.minSequence).c_str(),
        billing::formatInvoiceNumber(kYear, c.maxSequence).c_str(),
        static_cast<long long>(c.distinctNumbers), static_cast<long long>(c.counter),
        ok ? "OK (gap-free)" : "FAILED");

    // 3. ratio and memory
    const double ratio = runSeconds / rawSeconds;
    const long maxRss = maxRssKb();
    std::printf("ratio run/raw: %.2fx (target <= 3x: %s)\n", ratio,
                ratio <= 3.0 ? "met" : "missed");
    std::printf(
        "memory: VmRSS %.1f MiB before the run, peak sampled during the run %.1f MiB, "
        "%.1f MiB after; VmHWM %.1f MiB before, %.1f MiB after; ru_maxrss (whole "
        "process) %.1f MiB\n",
        mib(rssBefore), mib(rssPeakRun), mib(rssAfter), mib(hwmBefore), mib(hwmAfter), mib(maxRss));
    const int64_t runBytes = databaseBytes(runPath), rawBytes = databaseBytes(rawPath);
    std::printf("database files: run %.0f MiB, raw %.0f MiB (with WAL)\n",
                static_cast<double>(runBytes) / 1048576.0,
                static_cast<double>(rawBytes) / 1048576.0);
    std::printf(
        "BILLING_BENCH_JSON {\"accounts\":%lld,\"chunk\":%d,\"setup_s\":%.3f,\"raw_s\":%.3f,"
        "\"run_s\":%.3f,\"ratio\":%.3f,\"run_accounts_per_s\":%.0f,\"rss_peak_run_mib\":%.1f,"
        "\"hwm_before_mib\":%.1f,\"hwm_after_mib\":%.1f,\"maxrss_mib\":%.1f,\"verified\":%s}\n",
        static_cast<long long>(n), chunk, seconds(s0, s1), rawSeconds, runSeconds, ratio,
        static_cast<double>(n) / runSeconds, mib(rssPeakRun), mib(hwmBefore), mib(hwmAfter),
        mib(maxRss), ok ? "true" : "false");

    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "billing_bench: %s\n", e.what());
    return 1;
  }
}
