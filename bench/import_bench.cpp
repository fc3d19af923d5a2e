// import_bench: `berichtctl import`'s work (import::Importer::run, SPEC M1/M2) over a generated
// export of N accounts and M messages (and one invoice per account), on SQLite, beside a raw
// bulk insert of the same rows measured in the same run (issue 7: 100,000 accounts with
// 1,000,000 messages in minutes, not hours).
//
//   0. the export (timed, not part of any ratio): JSON Lines in a temporary directory — N
//      accounts (every 50th closed in 2025-01, so left out by M2 with its records), M messages
//      between pseudo-random pairs of accounts (a ~40-byte subject, a ~400-byte body), N
//      invoices (every 10th with a small pdf_base64). Then two fresh databases, Database::open +
//      migrate(): one for the import, one for the baseline.
//   1. raw baseline, through the SQLite C API on one connection with the daemon's settings
//      (bench_support.hpp RawSqlite: WAL, synchronous NORMAL, foreign_keys ON): the file read line
//      by line (std::getline), and per line the rows the import writes — an account and its
//      data-key row; a message row and its sent and inbox copies with placeholder "sealed" texts of
//      the real sealed length; an invoice — one prepared statement per table, 10,000 lines per
//      transaction. No JSON parsing, no validation, no encryption, no second pass: the bulk-insert
//      ceiling.
//   2. the import: Importer::run(file, {cutoff 2026-02-13}) on the other database: wall time,
//      lines/s, peak memory (VmRSS sampled every 10 ms). Then it checks the counts the report
//      gives against the database (accounts, messages, copies, invoices) and that a second run
//      (timed too) writes nothing and reports everything already present.
//   3. ratio import / raw. The last line, IMPORT_BENCH_JSON {...}, is a summary.
//
//   import_bench [accounts, default 100000] [messages, default 1000000] [chunk, default 2000]
//                [storage URL of an EMPTY database for the import, default SQLite in the
//                 temporary directory — e.g. a PostgreSQL database; the baseline stays SQLite]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_support.hpp"
#include "core/clock.hpp"
#include "core/crypto/secret_box.hpp"
#include "import/importer.hpp"
#include "messages/data_keys.hpp"
#include "storage/database.hpp"
#include "storage/sql_run.hpp"

namespace {

using namespace berichtd;
using bench::bindText;
using bench::die;
using bench::seconds;
using Steady = std::chrono::steady_clock;

constexpr const char* kMaster =
    "m1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr int kRawChunk = 10000;

// Deterministic pseudo-random numbers (xorshift), so every run imports the same file.
struct Rng {
  uint64_t s = 88172645463325252ULL;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

std::string agb(int64_t i) { return std::to_string(10000000 + i); }
bool closedLongAgo(int64_t i) { return i % 50 == 0; }

std::string body(Rng& r) {
  std::string b = "Beste collega, ";
  while (b.size() < 400) b += "uitslag " + std::to_string(r.next() % 100000) + " volgt; ";
  return b;
}

// The export; returns its line count.
int64_t writeExport(const std::filesystem::path& path, int64_t accounts, int64_t messages) {
  std::ofstream out(path, std::ios::binary);
  Rng r;
  int64_t lines = 0;
  for (int64_t i = 1; i <= accounts; ++i, ++lines) {
    out << R"({"type":"account","old_id":"A)" << i << R"(","email":"praktijk)" << i
        << R"(@example.nl","agb_code":")" << agb(i) << R"(","created_at":"2019-05-31","closed_at":)"
        << (closedLongAgo(i) ? "\"2025-01-31\"" : "null")
        << R"(,"paid_through":"2026-03-05","last_activity_at":"2026-02-10T14:03:00+01:00"})"
        << '\n';
  }
  for (int64_t m = 1; m <= messages; ++m, ++lines) {
    const int64_t from = static_cast<int64_t>(r.next() % accounts) + 1;
    const int64_t to = static_cast<int64_t>(r.next() % accounts) + 1;
    out << R"({"type":"message","old_id":"M)" << m << R"(","from_agb":")" << agb(from)
        << R"(","to_agb":")" << agb(to) << R"(","subject":"Verwijzing patiënt )" << m
        << R"x( (vervolg)","body":")x" << body(r) << R"(","sent_at":"2025-12-01T10:00:00+01:00"})"
        << '\n';
  }
  for (int64_t i = 1; i <= accounts; ++i, ++lines) {
    out << R"({"type":"invoice","old_id":"F)" << i << R"(","account_old_id":"A)" << i
        << R"(","number":"2025-)" << std::to_string(100000 + i)
        << R"(","period_start":"2025-12-01","period_end":"2025-12-31","amount_excl_cents":1300,)"
        << R"("vat_cents":273,"issued_at":"2025-12-01","paid_at":"2025-12-03","pdf_base64":)"
        << (i % 10 == 0 ? "\"JVBERi0xLjQgb3VkZSBmYWN0dXVy\"" : "null") << "}\n";
  }
  return lines;
}

// --- raw baseline ------------------------------------------------------------------------------

// Field value by plain search (the baseline does not parse JSON; the generator's layout is fixed).
std::string field(const std::string& line, const char* key) {
  const std::string k = std::string("\"") + key + "\":\"";
  const auto at = line.find(k);
  if (at == std::string::npos) return {};
  const auto start = at + k.size();
  return line.substr(start, line.find('"', start) - start);
}

void rawBaseline(const std::string& dbPath, const std::filesystem::path& file,
                 std::size_t subjectLen, std::size_t bodyLen) {
  bench::RawSqlite raw(dbPath);
  auto* account = raw.prepare(
      "INSERT INTO accounts (email, email_key, agb_code, state, created_at, closed_at, "
      "paid_through, last_activity_at, old_id, inserted_at) VALUES (?, ?, ?, 'migrated', "
      "'2019-05-31', NULL, '2026-03-05', '2026-02-10T13:03:00.000Z', ?, "
      "'2026-02-14T08:00:00.000Z')");
  auto* key = raw.prepare(
      "INSERT INTO account_data_keys (account_id, wrapped_key, created_at) VALUES (?, ?, "
      "'2026-02-14T08:00:00.000Z')");
  auto* message = raw.prepare(
      "INSERT INTO messages (sender_id, sender_agb, type, created_at, old_id) VALUES (?, ?, "
      "'bericht', '2025-12-01T09:00:00.000Z', ?)");
  auto* copy = raw.prepare(
      "INSERT INTO message_copies (message_id, account_id, box, agb_code, sealed_subject, "
      "sealed_body, state, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  auto* invoice = raw.prepare(
      "INSERT INTO invoices (account_id, number, issued_on, period_start, period_last_day, "
      "amount_excl_cents, vat_percent, vat_cents, customer_name, customer_address, state, "
      "paid_at, source, old_id) VALUES (?, ?, '2025-12-01', '2025-12-01', '2025-12-31', 1300, "
      "21, 273, '', '', 'paid', '2025-12-03', 'migrated', ?)");
  const std::string sealedSubject(subjectLen, 'S'), sealedBody(bodyLen, 'B'), wrapped(120, 'W');
  std::unordered_map<std::string, int64_t> idOfAgb, idOfOld;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  int64_t n = 0;
  raw.exec("BEGIN IMMEDIATE");
  while (std::getline(in, line)) {
    if (++n % kRawChunk == 0) {
      raw.exec("COMMIT");
      raw.exec("BEGIN IMMEDIATE");
    }
    if (line.find("\"closed_at\":\"2025-01-31\"") != std::string::npos) continue;  // M2
    const std::string type = field(line, "type");
    if (type == "account") {
      const std::string email = field(line, "email"), a = field(line, "agb_code");
      bindText(account, 1, email);
      bindText(account, 2, email);
      bindText(account, 3, a);
      bindText(account, 4, field(line, "old_id"));
      raw.step(account);
      const int64_t id = raw.lastId();
      idOfAgb[a] = id;
      idOfOld[field(line, "old_id")] = id;
      sqlite3_bind_int64(key, 1, id);
      bindText(key, 2, wrapped);
      raw.step(key);
    } else if (type == "message") {
      const std::string from = field(line, "from_agb"), to = field(line, "to_agb");
      auto s = idOfAgb.find(from), r = idOfAgb.find(to);
      if (s == idOfAgb.end() && r == idOfAgb.end()) continue;
      sqlite3_bind_int64(message, 1, s != idOfAgb.end() ? s->second : r->second);
      bindText(message, 2, from);
      bindText(message, 3, field(line, "old_id"));
      raw.step(message);
      const int64_t id = raw.lastId();
      auto put = [&](int64_t acc, const char* box, const std::string& a, const char* state,
                     bool delivered) {
        sqlite3_bind_int64(copy, 1, id);
        sqlite3_bind_int64(copy, 2, acc);
        sqlite3_bind_text(copy, 3, box, -1, SQLITE_STATIC);
        bindText(copy, 4, a);
        bindText(copy, 5, sealedSubject);
        bindText(copy, 6, sealedBody);
        sqlite3_bind_text(copy, 7, state, -1, SQLITE_STATIC);
        if (delivered)
          sqlite3_bind_text(copy, 8, "2025-12-01T09:00:00.000Z", -1, SQLITE_STATIC);
        else
          sqlite3_bind_null(copy, 8);
        raw.step(copy);
      };
      if (s != idOfAgb.end()) put(s->second, "sent", from, "sent", false);
      if (r != idOfAgb.end()) put(r->second, "inbox", to, "delivered", true);
    } else if (type == "invoice") {
      auto a = idOfOld.find(field(line, "account_old_id"));
      if (a == idOfOld.end()) continue;
      sqlite3_bind_int64(invoice, 1, a->second);
      bindText(invoice, 2, field(line, "number"));
      bindText(invoice, 3, field(line, "old_id"));
      raw.step(invoice);
    }
  }
  raw.exec("COMMIT");
}

int64_t count(storage::Database& db, const std::string& sql) {
  int64_t n = -1;
  if (!db.read([&](Poco::Data::Session& s) {
        n = storage::runSql(db, s, sql).rows.at(0).at(0).intOr(-1);
      }))
    die("count failed: " + sql);
  return n;
}

std::unique_ptr<storage::Database> openDb(const std::string& url) {
  config::StorageConfig cfg;
  cfg.url = url;
  auto db = storage::Database::open(cfg);
  if (!db) die(db.status().toString());
  if (Status s = (*db)->migrate(); !s) die(s.toString());
  return std::move(db).value();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int64_t accounts = argc > 1 ? std::stoll(argv[1]) : 100000;
    const int64_t messages = argc > 2 ? std::stoll(argv[2]) : 1000000;
    const int chunk = argc > 3 ? std::stoi(argv[3]) : 2000;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("berichtd-import-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    struct Cleanup {
      std::filesystem::path p;
      ~Cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
      }
    } cleanup{dir};

    auto t0 = Steady::now();
    const auto file = dir / "export.jsonl";
    const int64_t lines = writeExport(file, accounts, messages);
    const auto fileBytes = std::filesystem::file_size(file);
    const std::string importUrl = argc > 4 ? argv[4] : "sqlite://" + (dir / "import.db").string();
    auto importDb = openDb(importUrl);
    if (count(*importDb, "SELECT COUNT(*) FROM accounts") != 0)
      die("the import database is not empty");
    std::printf("import database: %s\n", importDb->describe().c_str());
    auto rawDbHandle = openDb("sqlite://" + (dir / "raw.db").string());
    rawDbHandle.reset();  // the baseline uses its own connection
    auto t1 = Steady::now();
    std::printf("export: %lld lines, %.1f MiB, written in %.2f s\n", static_cast<long long>(lines),
                static_cast<double>(fileBytes) / 1048576.0, seconds(t0, t1));

    // The real sealed lengths, for the baseline's placeholders.
    ManualClock clock(*parseIso8601("2026-02-14T09:00:00+01:00"));
    auto master = crypto::SecretBox::fromKeyText(kMaster);
    if (!master) die(master.status().toString());
    Rng r;
    const std::string sampleBody = body(r);
    const std::size_t subjectLen =
        master->seal("Verwijzing patiënt 123456 (vervolg)", "msg:1:1:sent:subject")->size();
    const std::size_t bodyLen = master->seal(sampleBody, "msg:1:1:sent:body")->size();

    auto r0 = Steady::now();
    rawBaseline((dir / "raw.db").string(), file, subjectLen, bodyLen);
    auto r1 = Steady::now();
    const double rawS = seconds(r0, r1);
    std::printf("raw baseline: %.2f s (%.0f lines/s)\n", rawS, static_cast<double>(lines) / rawS);

    messages::DataKeys keys(*importDb, clock, *master);
    import::Importer importer(*importDb, clock, keys);
    import::ImportOptions options;
    options.cutoff = *parseIso8601("2026-02-13T00:00:00+01:00");
    options.chunkSize = chunk;
    options.supplier = {"ZilliZ B.V.", "Kade 1\n1000 AA Amsterdam", "12345678", "NL001234567B01"};
    bench::RssSampler sampler;
    auto i0 = Steady::now();
    auto report = importer.run(file.string(), options);
    auto i1 = Steady::now();
    const long peakKb = sampler.finish();
    if (!report) die("import: " + report.status().toString());
    const double importS = seconds(i0, i1);
    const auto& a = report->of(import::LineKind::kAccount);
    const auto& m = report->of(import::LineKind::kMessage);
    const auto& f = report->of(import::LineKind::kInvoice);
    std::printf("import: %.2f s (%.0f lines/s), peak RSS %.1f MiB\n", importS,
                static_cast<double>(lines) / importS, static_cast<double>(peakKb) / 1024.0);
    std::printf(
        "  accounts %lld new, %lld excluded; messages %lld new, %lld excluded; invoices "
        "%lld new, %lld excluded; invalid %lld\n",
        static_cast<long long>(a.toImport), static_cast<long long>(a.excludedClosed),
        static_cast<long long>(m.toImport), static_cast<long long>(m.excludedClosed),
        static_cast<long long>(f.toImport), static_cast<long long>(f.excludedClosed),
        static_cast<long long>(report->problemTotal));

    bool ok = report->written && report->problemTotal == 0 &&
              count(*importDb, "SELECT COUNT(*) FROM accounts") == a.toImport &&
              count(*importDb, "SELECT COUNT(*) FROM account_data_keys") == a.toImport &&
              count(*importDb, "SELECT COUNT(*) FROM messages") == m.toImport &&
              count(*importDb, "SELECT COUNT(*) FROM invoices") == f.toImport &&
              a.toImport + a.excludedClosed == accounts &&
              m.toImport + m.excludedClosed == messages;
    const int64_t copies = count(*importDb, "SELECT COUNT(*) FROM message_copies");
    std::printf("verify: %s (%lld message copies)\n", ok ? "ok" : "FAILED",
                static_cast<long long>(copies));

    auto a0 = Steady::now();
    auto again = importer.run(file.string(), options);
    auto a1 = Steady::now();
    if (!again) die("second import: " + again.status().toString());
    const bool idempotent = again->of(import::LineKind::kMessage).toImport == 0 &&
                            again->of(import::LineKind::kMessage).alreadyPresent == m.toImport &&
                            count(*importDb, "SELECT COUNT(*) FROM message_copies") == copies;
    std::printf("second import (nothing to do): %.2f s, %s\n", seconds(a0, a1),
                idempotent ? "nothing written" : "WROTE SOMETHING");
    ok = ok && idempotent;
    const double ratio = importS / rawS;
    std::printf("ratio import/raw: %.2fx\n", ratio);
    std::printf(
        "IMPORT_BENCH_JSON {\"accounts\":%lld,\"messages\":%lld,\"lines\":%lld,\"raw_s\":%.2f,"
        "\"import_s\":%.2f,\"ratio\":%.2f,\"second_s\":%.2f,\"peak_rss_mib\":%.1f,\"ok\":%s}\n",
        static_cast<long long>(accounts), static_cast<long long>(messages),
        static_cast<long long>(lines), rawS, importS, ratio, seconds(a0, a1),
        static_cast<double>(peakKb) / 1024.0, ok ? "true" : "false");
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "import_bench: %s\n", e.what());
    return 1;
  }
}
