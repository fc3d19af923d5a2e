#!/usr/bin/python3
"""A fake Statuspage REST API (v1) on loopback for the tests (Python 3 standard library only).

fake_statuspage.py [--api-key KEY] [--page-id ID] [--component ID=NAME ...] [--host HOST]
                   [--port N]

Serves the subset of https://api.statuspage.io/v1 the status-push plugin uses, with
Statuspage's field names and shapes: the page's components (id, page_id, name, status,
created_at, updated_at, …) and incidents (id, page_id, name, status, impact, shortlink,
created_at, updated_at, resolved_at, incident_updates with body and status, components).
Prints "PORT <n>" once it listens (a free port on 127.0.0.1 unless --host), then serves until
SIGTERM. Everything lives in memory.

  GET   /v1/pages/{page}/components
  PATCH /v1/pages/{page}/components/{id}     {"component": {"status": "…"}}
  GET   /v1/pages/{page}/incidents
  POST  /v1/pages/{page}/incidents           {"incident": {"name", "status", "body",
                                               "component_ids": [...], "components": {id: status}}}
  GET   /v1/pages/{page}/incidents/{id}
  PATCH /v1/pages/{page}/incidents/{id}      the same shape; adds an incident update

Authentication: "Authorization: OAuth KEY" with KEY the --api-key (default "fake-key");
anything else answers 401 {"error": "Could not authenticate"}. Errors are {"error": "…"}
(404 for an unknown page, component or incident; 422 with a list of texts for invalid fields).

Test control (no authentication), all JSON:
  GET  /_test/requests    every /v1 request in order: method, path, body (parsed), status
  POST /_test/fail-next   {"count": N, "status": 503}: the next N /v1 calls answer that status
  GET  /_test/state       {"components": [...], "incidents": [...]} as the API shows them
  POST /_test/reset       forgets requests and incidents, components back to operational
"""
import argparse
import json
import secrets
import signal
import sys
import threading
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage",
                      "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved"}
IMPACT = {"operational": 0, "under_maintenance": 0, "degraded_performance": 1,
          "partial_outage": 2, "major_outage": 3}
IMPACT_NAMES = ["none", "minor", "major", "critical"]


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id():
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))


class ApiError(Exception):
    def __init__(self, status, error):
        super().__init__(str(error))
        self.status, self.error = status, error


class Store:
    def __init__(self, page_id, components):
        self.page_id, self.initial = page_id, components
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.components = {}
            for position, (cid, name) in enumerate(self.initial, start=1):
                t = now()
                self.components[cid] = {
                    "id": cid, "page_id": self.page_id, "group_id": None, "created_at": t,
                    "updated_at": t, "group": False, "name": name, "description": None,
                    "position": position, "status": "operational", "showcase": True,
                    "only_show_if_degraded": False, "automation_email": f"component+{cid}@fake",
                    "start_date": None}
            self.incidents = {}
            self.requests = []
            self.fail_next, self.fail_status = 0, 503

    def component(self, cid):
        c = self.components.get(cid)
        if not c:
            raise ApiError(404, "The requested resource could not be found.")
        return c

    def incident(self, iid):
        i = self.incidents.get(iid)
        if not i:
            raise ApiError(404, "The requested resource could not be found.")
        return i

    def set_component(self, cid, status):
        if status not in COMPONENT_STATUSES:
            raise ApiError(422, ["Status is not included in the list"])
        c = self.component(cid)
        c["status"], c["updated_at"] = status, now()
        return c

    def apply_incident(self, incident, fields, creating):
        errors = []
        name = fields.get("name", incident.get("name"))
        status = fields.get("status", incident.get("status") or "investigating")
        if not isinstance(name, str) or not name:
            errors.append("Name can't be blank")
        if status not in INCIDENT_STATUSES:
            errors.append("Status is not included in the list")
        ids = fields.get("component_ids", [c["id"] for c in incident.get("components", [])])
        statuses = fields.get("components", {})
        if not isinstance(ids, list) or not isinstance(statuses, dict):
            errors.append("Components are invalid")
            ids, statuses = [], {}
        for cid in list(ids) + list(statuses):
            if cid not in self.components:
                raise ApiError(404, "The requested resource could not be found.")
        for value in statuses.values():
            if value not in COMPONENT_STATUSES:
                errors.append("Component status is not included in the list")
        if errors:
            raise ApiError(422, errors)
        for cid, value in statuses.items():
            self.set_component(cid, value)
        t = now()
        incident.update(name=name, status=status, updated_at=t)
        if creating:
            incident["created_at"] = t
        incident["resolved_at"] = t if status == "resolved" else None
        listed = list(dict.fromkeys(list(ids) + list(statuses)))
        incident["components"] = [dict(self.components[cid]) for cid in listed]
        worst = max([IMPACT[c["status"]] for c in incident["components"]] or [0])
        incident["impact"] = IMPACT_NAMES[worst]
        update = {"id": new_id(), "incident_id": incident["id"], "status": status,
                  "body": fields.get("body", ""), "created_at": t, "updated_at": t,
                  "display_at": t, "affected_components": [
                      {"code": cid, "name": self.components[cid]["name"],
                       "new_status": self.components[cid]["status"]} for cid in listed]}
        incident["incident_updates"].insert(0, update)  # newest first, as Statuspage lists them
        return incident

    def create_incident(self, fields):
        iid = new_id()
        incident = {"id": iid, "page_id": self.page_id, "name": None, "status": None,
                    "impact": "none", "shortlink": f"https://stspg.io/{iid[:5]}",
                    "scheduled_for": None, "scheduled_until": None, "monitoring_at": None,
                    "incident_updates": [], "components": []}
        self.apply_incident(incident, fields, creating=True)
        self.incidents[iid] = incident
        return incident


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-statuspage/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass  # quiet: the tests read /_test/requests instead

    @property
    def store(self):
        return self.server.store

    def send(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PATCH(self):
        self.route("PATCH")

    def route(self, method):
        path = urllib.parse.urlsplit(self.path).path
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            if path.startswith("/v1/"):
                return self.api(method, path, raw)
            if path.startswith("/_test/"):
                return self.control(method, path[len("/_test/"):], raw)
            raise ApiError(404, "The requested resource could not be found.")
        except ApiError as e:
            self.send(e.status, {"error": e.error})

    def api(self, method, path, raw):
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        record = {"method": method, "path": path, "body": body, "at": now()}
        with self.store.lock:
            self.store.requests.append(record)
            try:
                status, doc = self.api_answer(method, path, body)
            except ApiError as e:
                status, doc = e.status, {"error": e.error}
            record["status"] = status
        self.send(status, doc)

    def api_answer(self, method, path, body):
        store = self.store
        if store.fail_next > 0:
            store.fail_next -= 1
            return store.fail_status, {"error": "Service temporarily unavailable"}
        if self.headers.get("Authorization", "") != "OAuth " + self.server.api_key:
            return 401, {"error": "Could not authenticate"}
        parts = path.strip("/").split("/")[1:]  # after "v1"
        if len(parts) < 3 or parts[0] != "pages" or parts[1] != store.page_id:
            raise ApiError(404, "The requested resource could not be found.")
        rest = parts[2:]
        if method in ("POST", "PATCH") and not isinstance(body, dict):
            raise ApiError(400, "The request body is not valid JSON")
        if method == "GET" and rest == ["components"]:
            return 200, list(store.components.values())
        if method == "PATCH" and len(rest) == 2 and rest[0] == "components":
            c = store.component(rest[1])
            fields = body.get("component")
            if not isinstance(fields, dict):
                raise ApiError(400, "component is missing")
            return 200, store.set_component(c["id"], fields.get("status", c["status"]))
        if method == "GET" and rest == ["incidents"]:
            return 200, sorted(store.incidents.values(), key=lambda i: i["created_at"],
                               reverse=True)
        if method == "POST" and rest == ["incidents"]:
            fields = body.get("incident")
            if not isinstance(fields, dict):
                raise ApiError(400, "incident is missing")
            return 201, store.create_incident(fields)
        if len(rest) == 2 and rest[0] == "incidents":
            incident = store.incident(rest[1])
            if method == "GET":
                return 200, incident
            if method == "PATCH":
                fields = body.get("incident")
                if not isinstance(fields, dict):
                    raise ApiError(400, "incident is missing")
                return 200, store.apply_incident(incident, fields, creating=False)
        raise ApiError(404, "The requested resource could not be found.")

    def control(self, method, path, raw):
        store = self.store
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON")
        with store.lock:
            if method == "GET" and path == "requests":
                return self.send(200, list(store.requests))
            if method == "GET" and path == "state":
                return self.send(200, {"components": list(store.components.values()),
                                       "incidents": list(store.incidents.values())})
            if method == "POST" and path == "fail-next":
                store.fail_next = int(body.get("count", 1))
                store.fail_status = int(body.get("status", 503))
                return self.send(200, {"count": store.fail_next})
            if method == "POST" and path == "reset":
                store.reset()
                return self.send(200, {})
        raise ApiError(404, "No such test endpoint")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-key", default="fake-key")
    parser.add_argument("--page-id", default="kctbh9vrtdwd")
    parser.add_argument("--component", action="append", default=[], metavar="ID=NAME")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    components = [tuple(c.split("=", 1)) for c in args.component] or [
        ("8kbf7d35c070", "Inloggen"), ("vtnh60py4yd7", "Berichten"),
        ("bd9f4hw0mrh6", "Betalingen"), ("ftgks51sfs2d", "Website")]
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.api_key = args.api_key
    server.store = Store(args.page_id, components)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
