#!/usr/bin/python3
"""A fake Mollie v2 API on loopback for the tests (Python 3 standard library only).

fake_mollie.py [--api-key KEY] [--webhook-retry-ms MS] [--webhook-attempts N] [--host HOST]
               [--port N] [--tls CERT KEY]

Serves the subset of https://api.mollie.com/v2 the billing-mollie plugin uses, with Mollie's
field names and shapes, in test mode: customers, iDEAL first payments with a checkout page,
recurring payments on a direct-debit mandate, mandates, chargebacks, webhooks with retries,
Idempotency-Key replay and hal+json errors. Prints "PORT <n>" once it listens (a free port on
127.0.0.1 unless --host), then serves until SIGTERM; HTTPS with --tls. Everything lives in
memory.

Authentication: "Authorization: Bearer KEY" where KEY is --api-key, or, without --api-key,
any test key ("test_" and at least 30 letters or digits). Anything else answers 401.

Test control (no authentication), all JSON:
  POST /_test/payments/{id}             {"status": "paid"|"failed"|"canceled"|"expired"}
  POST /_test/payments/{id}/chargeback  {"amount_cents": N}
  POST /_test/fail-next                 {"count": N, "status": 503}: the next N /v2 calls fail
  POST /_test/outage                    {"status": 503}: every /v2 call fails until {"status": 0}
  POST /_test/mandates/{id}             {"status": "invalid"} (revokes a mandate)
  GET  /_test/payments/{id}             the payment document (also with its webhook URL)
  GET  /_test/webhooks                  every webhook attempt, in order
  GET  /_test/requests                  every /v2 request: method, path, idempotency_key, status
  POST /_test/reset                     forgets everything
The checkout page GET /checkout/{id} has a form whose buttons "Betalen" and "Annuleren" POST
to /checkout/{id}; the fake sets the payment paid or canceled and answers 303 to its
redirectUrl.
"""
import argparse
import hashlib
import html
import json
import re
import secrets
import signal
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOCS = "https://docs.mollie.com/reference/v2/"
HAL = "application/hal+json"
TEST_KEY = re.compile(r"^test_[A-Za-z0-9]{30,}$")
AMOUNT = re.compile(r"^[0-9]+\.[0-9]{2}$")
FINAL = {"paid", "failed", "canceled", "expired"}


def now():
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def new_id(prefix):
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(10))


def link(href, kind=HAL):
    return {"href": href, "type": kind}


def cents_of(value):
    euros, cents = value.split(".")
    return int(euros) * 100 + int(cents)


def value_of(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


class ApiError(Exception):
    def __init__(self, status, title, detail, field=None, doc="overview/handling-errors"):
        super().__init__(detail)
        self.status, self.title, self.detail, self.field, self.doc = status, title, detail, field, doc

    def document(self):
        d = {"status": self.status, "title": self.title, "detail": self.detail}
        if self.field:
            d["field"] = self.field
        d["_links"] = {"documentation": link("https://docs.mollie.com/" + self.doc, "text/html")}
        return d


def methods_doc():
    """GET /v2/methods: the payment methods enabled for the key (the plugin's ping reads it)."""
    def method(mid, description, minimum):
        return {"resource": "method", "id": mid, "description": description,
                "minimumAmount": {"value": minimum, "currency": "EUR"},
                "maximumAmount": {"value": "50000.00", "currency": "EUR"},
                "image": {"size1x": f"https://www.mollie.com/external/icons/payment-methods/{mid}.png",
                          "size2x": f"https://www.mollie.com/external/icons/payment-methods/{mid}%402x.png",
                          "svg": f"https://www.mollie.com/external/icons/payment-methods/{mid}.svg"},
                "status": "activated", "_links": {}}
    docs = [method("ideal", "iDEAL", "0.01"), method("directdebit", "SEPA Direct Debit", "0.01")]
    return {"count": len(docs), "_embedded": {"methods": docs}, "_links": {
        "self": link("https://api.mollie.com/v2/methods"),
        "documentation": link("https://docs.mollie.com/reference/list-methods", "text/html")}}


def unprocessable(detail, field=None):
    return ApiError(422, "Unprocessable Entity", detail, field)


class Webhooks:
    """Delivers "id=tr_…" to a payment's webhookUrl like Mollie: retried while the answer is
    not 200, here every retry_ms instead of over hours, at most `attempts` times."""

    def __init__(self, retry_ms, attempts):
        self.retry_ms, self.attempts = retry_ms, attempts
        self.lock = threading.Lock()
        self.log = []

    def deliver(self, url, payment_id):
        if url:
            threading.Thread(target=self._run, args=(url, payment_id), daemon=True).start()

    def _run(self, url, payment_id):
        body = urllib.parse.urlencode({"id": payment_id}).encode()
        for attempt in range(1, self.attempts + 1):
            entry = {"payment_id": payment_id, "url": url, "attempt": attempt, "at": now()}
            try:
                req = urllib.request.Request(url, data=body, method="POST", headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "User-Agent": "Mollie HTTP Fetcher (fake)"})
                with urllib.request.urlopen(req, timeout=5) as res:
                    entry["status"] = res.status
            except urllib.error.HTTPError as e:
                entry["status"] = e.code
            except Exception as e:  # noqa: BLE001 - any failure to deliver is a failed attempt
                entry["status"] = None
                entry["error"] = type(e).__name__
            with self.lock:
                self.log.append(entry)
            if entry["status"] == 200:
                return
            time.sleep(self.retry_ms / 1000.0)


class Store:
    """The fake's state: every change goes through here under one lock."""

    def __init__(self, base_url, webhooks):
        self.base, self.webhooks = base_url, webhooks
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.customers, self.payments, self.mandates, self.chargebacks = {}, {}, {}, {}
            self.idempotency = {}
            self.requests = []
            self.fail_next, self.fail_status = 0, 503
            self.outage = 0  # while not 0, every /v2 call answers this status

    # --- resources as documents -------------------------------------------------------------
    def customer_doc(self, c):
        return dict(c, _links={
            "self": link(f"{self.base}/v2/customers/{c['id']}"),
            "dashboard": link(f"https://my.mollie.com/dashboard/customers/{c['id']}", "text/html"),
            "documentation": link(DOCS + "customers-api/get-customer", "text/html")})

    def payment_doc(self, p):
        d = {k: v for k, v in p.items() if not k.startswith("_") and v is not None}
        links = {"self": link(f"{self.base}/v2/payments/{p['id']}"),
                 "dashboard": link(f"https://my.mollie.com/dashboard/payments/{p['id']}",
                                   "text/html"),
                 "documentation": link(DOCS + "payments-api/get-payment", "text/html")}
        if p["status"] == "open" and p["sequenceType"] == "first":
            links["checkout"] = link(f"{self.base}/checkout/{p['id']}", "text/html")
        if p.get("customerId"):
            links["customer"] = link(f"{self.base}/v2/customers/{p['customerId']}")
        if p.get("mandateId"):
            links["mandate"] = link(
                f"{self.base}/v2/customers/{p['customerId']}/mandates/{p['mandateId']}")
        if p["_chargebacks"]:
            links["chargebacks"] = link(f"{self.base}/v2/payments/{p['id']}/chargebacks")
        d["_links"] = links
        return d

    def mandate_doc(self, m):
        return dict({k: v for k, v in m.items() if k != "customerId"}, _links={
            "self": link(f"{self.base}/v2/customers/{m['customerId']}/mandates/{m['id']}"),
            "customer": link(f"{self.base}/v2/customers/{m['customerId']}"),
            "documentation": link(DOCS + "mandates-api/get-mandate", "text/html")})

    def chargeback_doc(self, c):
        return dict(c, _links={
            "self": link(f"{self.base}/v2/payments/{c['paymentId']}/chargebacks/{c['id']}"),
            "payment": link(f"{self.base}/v2/payments/{c['paymentId']}"),
            "documentation": link(DOCS + "chargebacks-api/get-payment-chargeback", "text/html")})

    def listing(self, name, docs, self_href):
        return {"count": len(docs), "_embedded": {name: docs}, "_links": {
            "self": link(self_href), "previous": None, "next": None,
            "documentation": link(DOCS + f"{name}-api/list-{name}", "text/html")}}

    # --- API --------------------------------------------------------------------------------
    def create_customer(self, body):
        c = {"resource": "customer", "id": new_id("cst_"), "mode": "test",
             "name": body.get("name"), "email": body.get("email"), "locale": body.get("locale"),
             "metadata": body.get("metadata"), "createdAt": now()}
        with self.lock:
            self.customers[c["id"]] = c
        return 201, self.customer_doc(c)

    def create_payment(self, body):
        amount = body.get("amount")
        if not isinstance(amount, dict) or not isinstance(amount.get("value"), str) \
                or not AMOUNT.match(amount["value"]):
            raise unprocessable("The amount is invalid", "amount.value")
        if amount.get("currency") != "EUR":
            raise unprocessable("The currency is not supported", "amount.currency")
        if cents_of(amount["value"]) < 1:
            raise unprocessable("The amount is lower than the minimum", "amount")
        if not body.get("description"):
            raise unprocessable("The description is missing", "description")
        sequence = body.get("sequenceType", "oneoff")
        if sequence not in ("oneoff", "first", "recurring"):
            raise unprocessable("The sequence type is invalid", "sequenceType")
        with self.lock:
            customer = body.get("customerId")
            if sequence != "oneoff" and customer not in self.customers:
                raise unprocessable("The customer does not exist", "customerId")
            p = {"resource": "payment", "id": new_id("tr_"), "mode": "test",
                 "createdAt": now(), "amount": {"value": amount["value"], "currency": "EUR"},
                 "description": body["description"], "method": body.get("method"),
                 "metadata": body.get("metadata"), "status": "open", "isCancelable": False,
                 "expiresAt": (datetime.now(timezone.utc) + timedelta(minutes=15))
                 .replace(microsecond=0).isoformat(),
                 "profileId": "pfl_QkEhN94Ba", "sequenceType": sequence,
                 "redirectUrl": body.get("redirectUrl"), "webhookUrl": body.get("webhookUrl"),
                 "customerId": customer, "mandateId": None, "_chargebacks": []}
            if sequence == "first":
                if not body.get("redirectUrl"):
                    raise unprocessable("The redirect URL is missing", "redirectUrl")
                p["method"] = body.get("method") or "ideal"
            elif sequence == "recurring":
                p["mandateId"] = self.usable_mandate(customer, body.get("mandateId"))
                p["method"] = "directdebit"
                p["status"] = "pending"
                p["redirectUrl"] = None
                mandate = self.mandates[p["mandateId"]]
                p["details"] = {
                    "transferReference": "SD" + new_id("")[:8].upper(),
                    "creditorIdentifier": "NL08ZZZ502057730000",
                    "consumerName": mandate["details"]["consumerName"],
                    "consumerAccount": mandate["details"]["consumerAccount"],
                    "consumerBic": mandate["details"]["consumerBic"],
                    "dueDate": (datetime.now(timezone.utc) + timedelta(days=2)).date().isoformat(),
                    "signatureDate": mandate["signatureDate"]}
            self.payments[p["id"]] = p
            return 201, self.payment_doc(p)

    def usable_mandate(self, customer, mandate_id):
        valid = [m for m in self.mandates.values()
                 if m["customerId"] == customer and m["status"] == "valid"]
        if mandate_id:
            if not any(m["id"] == mandate_id for m in valid):
                raise unprocessable("The mandate is not valid for this customer", "mandateId")
            return mandate_id
        if not valid:
            raise unprocessable("The customer has no valid mandate", "mandateId")
        return valid[0]["id"]

    def payment(self, payment_id):
        with self.lock:
            p = self.payments.get(payment_id)
            if not p:
                raise ApiError(404, "Not Found", "No payment exists with token " + payment_id + ".")
            return p

    def customer_mandates(self, customer):
        with self.lock:
            if customer not in self.customers:
                raise ApiError(404, "Not Found", "No customer exists with token " + customer + ".")
            docs = [self.mandate_doc(m) for m in self.mandates.values()
                    if m["customerId"] == customer]
        return 200, self.listing("mandates", docs, f"{self.base}/v2/customers/{customer}/mandates")

    def payment_chargebacks(self, payment_id):
        p = self.payment(payment_id)
        with self.lock:
            docs = [self.chargeback_doc(self.chargebacks[c]) for c in p["_chargebacks"]]
        return 200, self.listing("chargebacks", docs,
                                 f"{self.base}/v2/payments/{payment_id}/chargebacks")

    # --- changes (checkout page and /_test) ---------------------------------------------------
    def set_status(self, payment_id, status):
        if status not in FINAL:
            raise ApiError(400, "Bad Request", "status must be one of " + ", ".join(sorted(FINAL)))
        with self.lock:
            p = self.payment(payment_id)
            if p["status"] in FINAL:
                raise ApiError(409, "Conflict", "The payment is " + p["status"] + " already")
            p["status"] = status
            p[{"paid": "paidAt", "failed": "failedAt", "canceled": "canceledAt",
               "expired": "expiredAt"}[status]] = now()
            if status == "paid" and p["sequenceType"] == "first":
                self.create_mandate(p)
            if status == "failed" and p["method"] == "directdebit":
                p["details"]["bankReasonCode"] = "AM04"
                p["details"]["bankReason"] = "Insufficient funds"
            url = p["webhookUrl"]
        self.webhooks.deliver(url, payment_id)
        return p

    def create_mandate(self, p):
        """What Mollie does after a paid iDEAL first payment: a valid SEPA direct-debit
        mandate on the account the customer paid from."""
        m = {"resource": "mandate", "id": new_id("mdt_"), "mode": "test", "status": "valid",
             "method": "directdebit",
             "details": {"consumerName": "T. TEST", "consumerAccount": "NL55INGB0000000000",
                         "consumerBic": "INGBNL2A"},
             "mandateReference": None, "signatureDate": datetime.now(timezone.utc).date().isoformat(),
             "createdAt": now(), "customerId": p["customerId"]}
        self.mandates[m["id"]] = m
        p["mandateId"] = m["id"]
        p["details"] = dict(m["details"])

    def chargeback(self, payment_id, cents):
        with self.lock:
            p = self.payment(payment_id)
            if p["status"] != "paid":
                raise ApiError(409, "Conflict", "Only a paid payment can be charged back")
            if not isinstance(cents, int) or cents < 1:
                raise ApiError(400, "Bad Request", "amount_cents must be a positive whole number")
            back = sum(cents_of(self.chargebacks[c]["amount"]["value"]) for c in p["_chargebacks"])
            if back + cents > cents_of(p["amount"]["value"]):
                raise ApiError(409, "Conflict", "More than the payment's amount")
            c = {"resource": "chargeback", "id": new_id("chb_"),
                 "amount": {"value": value_of(cents), "currency": "EUR"},
                 "settlementAmount": {"value": "-" + value_of(cents), "currency": "EUR"},
                 "createdAt": now(), "reason": {"code": "MD06", "description": "Disputed"},
                 "reversedAt": None, "paymentId": payment_id}
            self.chargebacks[c["id"]] = c
            p["_chargebacks"].append(c["id"])
            p["amountChargedBack"] = {"value": value_of(back + cents), "currency": "EUR"}
            url = p["webhookUrl"]
        self.webhooks.deliver(url, payment_id)
        return c


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-mollie/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass  # quiet: the tests read /_test/requests instead

    @property
    def store(self):
        return self.server.store

    def send(self, status, doc, kind="application/hal+json"):
        data = json.dumps(doc).encode() if not isinstance(doc, bytes) else doc
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        path = urllib.parse.urlsplit(self.path).path
        raw = self.read_body() if method == "POST" else b""
        try:
            if path.startswith("/v2/"):
                return self.api(method, path, raw)
            if path.startswith("/checkout/"):
                return self.checkout(method, path[len("/checkout/"):], raw)
            if path.startswith("/_test/"):
                return self.control(method, path[len("/_test/"):], raw)
            raise ApiError(404, "Not Found", "The resource does not exist")
        except ApiError as e:
            self.send(e.status, e.document())

    # --- /v2 ----------------------------------------------------------------------------------
    def api(self, method, path, raw):
        key = self.headers.get("Idempotency-Key")
        record = {"method": method, "path": path, "idempotency_key": key, "at": now()}
        with self.store.lock:
            self.store.requests.append(record)
        status, doc = self.api_answer(method, path, raw, key)
        record["status"] = status
        self.send(status, doc)

    def api_answer(self, method, path, raw, key):
        store = self.store
        with store.lock:
            failing = store.outage
            if not failing and store.fail_next > 0:
                store.fail_next -= 1
                failing = store.fail_status
            if failing:
                return failing, ApiError(
                    failing, "Service Unavailable",
                    "The service is temporarily unavailable").document()
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        wanted = self.server.api_key
        if not (token == wanted if wanted else TEST_KEY.match(token)):
            return 401, ApiError(401, "Unauthorized Request",
                                 "Missing authentication, or failed to authenticate",
                                 doc="overview/authentication").document()
        try:
            if method == "POST" and key:
                return self.replayed(token, path, raw, key)
            return self.dispatch(method, path, raw)
        except ApiError as e:
            return e.status, e.document()

    def replayed(self, token, path, raw, key):
        """Mollie's Idempotency-Key: the same key and body answer the first answer; the same
        key with another body is refused. Keys are per API key."""
        digest = hashlib.sha256(raw).hexdigest()
        slot = (token, key)
        with self.store.lock:
            seen = self.store.idempotency.get(slot)
            if seen:
                if seen["path"] != path or seen["digest"] != digest:
                    raise unprocessable("The idempotency key was used for another request",
                                        "Idempotency-Key")
                return seen["status"], seen["doc"]
            status, doc = self.dispatch("POST", path, raw)
            # Only a success is replayed: a refusal (no mandate yet) may succeed when retried.
            if status < 300:
                self.store.idempotency[slot] = {"path": path, "digest": digest,
                                                "status": status, "doc": doc}
            return status, doc

    def dispatch(self, method, path, raw):
        store = self.store
        parts = path.strip("/").split("/")[1:]  # after "v2"
        body = {}
        if method == "POST":
            try:
                body = json.loads(raw or b"{}")
                if not isinstance(body, dict):
                    raise ValueError
            except ValueError:
                raise ApiError(400, "Bad Request", "The request body is not valid JSON")
        if method == "POST" and parts == ["customers"]:
            return store.create_customer(body)
        if method == "POST" and parts == ["payments"]:
            return store.create_payment(body)
        if method == "GET" and parts == ["methods"]:
            return 200, methods_doc()
        if method == "GET" and len(parts) == 2 and parts[0] == "payments":
            with store.lock:
                return 200, store.payment_doc(store.payment(parts[1]))
        if method == "GET" and len(parts) == 3 and parts[0] == "payments" \
                and parts[2] == "chargebacks":
            return store.payment_chargebacks(parts[1])
        if method == "GET" and len(parts) == 2 and parts[0] == "customers":
            with store.lock:
                c = store.customers.get(parts[1])
                if not c:
                    raise ApiError(404, "Not Found", "No customer exists with token " + parts[1])
                return 200, store.customer_doc(c)
        if method == "GET" and len(parts) == 3 and parts[0] == "customers" \
                and parts[2] == "mandates":
            return store.customer_mandates(parts[1])
        raise ApiError(404, "Not Found", "The resource does not exist")

    # --- checkout -----------------------------------------------------------------------------
    def checkout(self, method, payment_id, raw):
        p = self.store.payment(payment_id)
        if method == "GET":
            amount = p["amount"]["value"].replace(".", ",")
            page = f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>iDEAL — testbetaling</title></head>
<body><h1>Testbetaling</h1>
<p id="description">{html.escape(p['description'])}</p>
<p id="amount">€ {amount}</p>
<p id="status">{p['status']}</p>
<form method="post" action="/checkout/{payment_id}">
<button type="submit" name="action" value="paid" id="pay">Betalen</button>
<button type="submit" name="action" value="canceled" id="cancel">Annuleren</button>
</form></body></html>"""
            return self.send(200, page.encode(), "text/html; charset=utf-8")
        form = urllib.parse.parse_qs(raw.decode())
        action = (form.get("action") or [""])[0]
        if action not in ("paid", "canceled"):
            raise ApiError(400, "Bad Request", "action must be paid or canceled")
        if p["status"] == "open":
            self.store.set_status(payment_id, action)
        self.send_response(303)
        self.send_header("Location", p["redirectUrl"] or "/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # --- /_test -------------------------------------------------------------------------------
    def control(self, method, path, raw):
        store = self.store
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            raise ApiError(400, "Bad Request", "The request body is not valid JSON")
        parts = path.strip("/").split("/")
        if method == "GET" and parts == ["webhooks"]:
            with store.webhooks.lock:
                return self.send(200, list(store.webhooks.log), "application/json")
        if method == "GET" and parts == ["requests"]:
            with store.lock:
                return self.send(200, list(store.requests), "application/json")
        if method == "POST" and parts == ["reset"]:
            store.reset()
            with store.webhooks.lock:
                store.webhooks.log.clear()
            return self.send(200, {}, "application/json")
        if method == "POST" and parts == ["outage"]:
            with store.lock:
                store.outage = int(body.get("status") or 0)
            return self.send(200, {"status": store.outage}, "application/json")
        if method == "POST" and parts == ["fail-next"]:
            with store.lock:
                store.fail_next = int(body.get("count", 1))
                store.fail_status = int(body.get("status", 503))
            return self.send(200, {"count": store.fail_next}, "application/json")
        if len(parts) == 2 and parts[0] == "payments" and method == "GET":
            with store.lock:
                p = store.payment(parts[1])
                return self.send(200, dict(store.payment_doc(p), webhookUrl=p["webhookUrl"]),
                                 "application/json")
        if len(parts) == 2 and parts[0] == "payments" and method == "POST":
            p = store.set_status(parts[1], body.get("status"))
            with store.lock:
                return self.send(200, store.payment_doc(p), "application/json")
        if len(parts) == 3 and parts[0] == "payments" and parts[2] == "chargeback" \
                and method == "POST":
            c = store.chargeback(parts[1], body.get("amount_cents"))
            return self.send(201, store.chargeback_doc(c), "application/json")
        if len(parts) == 2 and parts[0] == "mandates" and method == "POST":
            with store.lock:
                m = store.mandates.get(parts[1])
                if not m:
                    raise ApiError(404, "Not Found", "No mandate " + parts[1])
                m["status"] = body.get("status", "invalid")
                return self.send(200, store.mandate_doc(m), "application/json")
        raise ApiError(404, "Not Found", "No such test endpoint")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--webhook-retry-ms", type=int, default=200)
    parser.add_argument("--webhook-attempts", type=int, default=10)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"),
                        help="serve HTTPS with this certificate chain and private key")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    scheme = "http"
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    server.api_key = args.api_key
    server.store = Store(f"{scheme}://{args.host}:{port}",
                         Webhooks(args.webhook_retry_ms, args.webhook_attempts))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"PORT {port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
