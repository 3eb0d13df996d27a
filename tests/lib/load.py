#!/usr/bin/env python3
"""Mixed load against one samverkand over TLS, for tests/soak and
tests/faults/*. Python's standard library only (http.client, ssl,
threading): nothing to build or install, and at these rates (a few hundred
requests a second on a shared machine) the daemon, not the client, is what
runs out first.

Each client is a thread with its own keep-alive connection and session
(a demo user), doing at random: incident batches (1-20 items, POST
/v1/incidents), intervention updates (POST /v1/interventions/{id}/updates),
proposal and decision reads, the situation picture and the incident list.
Every write carries an Idempotency-Key; a write that got no answer (the
connection broke), 409 (its key still running) or 503 (the database is
away) is sent again with the same key and body until it is answered. A 503
without Retry-After is counted (the fault tests fail on it).

  load.py --url URL --ca CA --users FILE --seconds N [--clients 8]
          [--pid PID --warmup S]  samples VmRSS and open descriptors of PID
          [--writes-only] [--log FILE]  one JSON line per write, as answered
          [--also-url URL]        half the clients to a second daemon
          [--stats FILE]          the figures as JSON
"""
import argparse
import http.client
import json
import os
import random
import ssl
import sys
import threading
import time
import uuid

MUNS = ["sollentuna", "upplands-vasby", "sigtuna"]
# user, municipalities they report for, may log intervention updates
CLIENTS = [
    ("polisen-kommunpolis", MUNS, True),
    ("sollentuna-samordnare", MUNS, True),
    ("sollentuna-est", ["sollentuna"], False),
    ("upplands-vasby-samordnare", MUNS, True),
    ("upplands-vasby-est", ["upplands-vasby"], False),
    ("sigtuna-samordnare", MUNS, True),
    ("sigtuna-est", ["sigtuna"], False),
    ("polisen-kommunpolis", MUNS, True),
]
CATEGORIES = []  # filled from /v1/incident-categories
NO_RETRY_AFTER = [0]  # 503 answers without Retry-After
NO_RETRY_AFTER_LOCK = threading.Lock()


class Client:
    def __init__(self, host, port, ctx):
        self.host, self.port, self.ctx = host, port, ctx
        self.conn = None
        self.token = None

    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, json or None); raises OSError/HTTPException when the
        connection breaks before an answer."""
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx,
                                                    timeout=timeout)
        h = {"Content-Type": "application/json"}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        try:
            self.conn.request(method, path, json.dumps(body) if body is not None else None, h)
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if r.status == 503 and not r.getheader("Retry-After"):
            with NO_RETRY_AFTER_LOCK:
                NO_RETRY_AFTER[0] += 1
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        try:
            return r.status, json.loads(data) if data else None
        except ValueError:
            return r.status, None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.statuses = {}
        self.by_op = {}
        self.conn_errors = 0
        self.samples = []
        self.examples = {}

    def add(self, op, status, secs, doc=None, path=None):
        with self.lock:
            if status >= 300 and f"{op} {status}" not in self.examples:
                self.examples[f"{op} {status}"] = {"path": path, "answer": doc}
            self.latencies.append(secs)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.by_op[op] = self.by_op.get(op, 0) + 1


def proc_sample(pid):
    rss = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return {"rss_kib": rss, "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def wait_answer(cl, method, path, body, key, stats, op, deadline_retry):
    """Sends a write until it is answered (same key each time); returns
    (status, json, attempts)."""
    attempts = 0
    while True:
        attempts += 1
        t0 = time.monotonic()
        try:
            status, doc = cl.request(method, path, body, {"Idempotency-Key": key})
        except (OSError, http.client.HTTPException):
            with stats.lock:
                stats.conn_errors += 1
            if time.monotonic() > deadline_retry:
                return None, None, attempts
            time.sleep(0.2)  # the daemon may be restarting: try again
            continue
        stats.add(op, status, time.monotonic() - t0, doc, path)
        if status in (409, 503):
            # 409: the first request with this key is still running; 503:
            # the database is away for a moment.
            time.sleep(0.05 if status == 409 else 0.2)
            if time.monotonic() > deadline_retry:
                return status, doc, attempts
            continue
        return status, doc, attempts


def worker(n, args, shared, stats, stop, log, log_lock):
    user, muns, may_update = CLIENTS[n % len(CLIENTS)]
    rnd = random.Random(n * 7919 + os.getpid())
    # With --also-url, every other client talks to the second daemon.
    port = shared["also_port"] if shared.get("also_port") and n % 2 else shared["port"]
    cl = Client(shared["host"], port, shared["ctx"])
    cl.token = shared["tokens"][user]
    seq = 0
    while not stop.is_set():
        r = rnd.random()
        if args.writes_only:
            op = "incidents" if (r < 0.6 or not may_update) else "update"
        elif r < 0.25:
            op = "incidents"
        elif r < 0.40:
            op = "update" if may_update else "incidents"
        elif r < 0.55:
            op = "proposals"
        elif r < 0.70:
            op = "decisions"
        elif r < 0.90:
            op = "situation"
        else:
            op = "incident_list"
        seq += 1
        if op in ("incidents", "update"):
            key = str(uuid.uuid4())
            if op == "incidents":
                k = rnd.randint(1, 20)
                # No long digit runs: a personnummer-like one would be refused.
                ext = [f"soak-c{n}-w{seq}-i{i}" for i in range(k)]
                now = time.time() - rnd.randint(60, 86400 * 60)
                body = {"items": [{
                    "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - i * 60)),
                    "municipality": rnd.choice(muns),
                    "place": f"Plats {rnd.randint(1, 40)}",
                    "category": rnd.choice(CATEGORIES),
                    "description": "Soak",
                    "external_id": e} for i, e in enumerate(ext)]}
                path = "/v1/incidents"
                entry = {"op": op, "key": key, "user": user, "external_ids": ext}
            else:
                iv = rnd.choice(shared["interventions"])
                note = f"soak c{n} w{seq}"
                body = {"note": note, "hours": 0.25, "progress_percent": rnd.randint(0, 100)}
                path = f"/v1/interventions/{iv}/updates"
                entry = {"op": op, "key": key, "user": user, "note": note, "intervention": iv}
            status, doc, attempts = wait_answer(cl, "POST", path, body, key, stats, op,
                                                time.monotonic() + args.retry_seconds)
            entry.update({"status": status, "attempts": attempts})
            if op == "incidents" and status in (200, 201) and doc:
                entry["ids"] = [it["id"] for it in doc.get("items", [])]
            if log:
                with log_lock:
                    log.write(json.dumps(entry) + "\n")
            continue
        if op == "proposals":
            path = rnd.choice(["/v1/proposals", f"/v1/proposals/{rnd.choice(shared['proposals'])}"])
        elif op == "decisions":
            path = f"/v1/proposals/{rnd.choice(shared['proposals'])}/decisions"
        elif op == "situation":
            path = f"/v1/situation?municipality={rnd.choice(MUNS)}"
        else:
            path = f"/v1/incidents?municipality={rnd.choice(muns)}&limit=50"
        t0 = time.monotonic()
        try:
            status, doc = cl.request("GET", path)
        except (OSError, http.client.HTTPException):
            with stats.lock:
                stats.conn_errors += 1
            time.sleep(0.2)
            continue
        stats.add(op, status, time.monotonic() - t0, doc, path)


def setup(args, host, port, ctx):
    pw = {}
    with open(args.users) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                pw[parts[0]] = parts[1]
    cl = Client(host, port, ctx)
    tokens = {}
    for user, _, _ in CLIENTS:
        if user not in tokens:
            status, doc = cl.request("POST", "/v1/sessions", {"username": user, "password": pw[user]})
            if status != 201:
                sys.exit(f"login {user}: {status} {doc}")
            tokens[user] = doc["token"]

    def get(path, user="sollentuna-samordnare", method="GET", body=None):
        cl.token = tokens[user]
        status, doc = cl.request(method, path, body)
        if status >= 300:
            sys.exit(f"{method} {path}: {status} {doc}")
        return doc

    CATEGORIES.extend(c["slug"] for c in get("/v1/incident-categories")["items"])
    interventions = []
    for plan in get("/v1/action-plans")["items"]:
        interventions += [i["id"] for i in get(f"/v1/action-plans/{plan['id']}/interventions")["items"]]
    if not interventions:
        sys.exit("no interventions in the demo data")
    agreement = get("/v1/agreements")["items"][0]["id"]
    proposals = []
    for i in range(5):
        p = get("/v1/proposals", method="POST", body={
            "agreement": agreement, "kind": "prioritisation", "title": f"Soak-prioritering {i}",
            "resources": [{"organisation": "polisen", "description": "Personal", "amount": 1,
                           "unit": "tjänst"}]})
        get(f"/v1/proposals/{p['id']}/submit", method="POST")
        proposals.append(p["id"])
    return {"host": host, "port": port, "ctx": ctx, "tokens": tokens,
            "interventions": interventions, "proposals": proposals}


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0.0
    return sorted_vals[min(len(sorted_vals) - 1, int(len(sorted_vals) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--also-url", help="a second daemon on the same database")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--warmup", type=float, default=0)
    ap.add_argument("--writes-only", action="store_true")
    ap.add_argument("--retry-seconds", type=float, default=60)
    ap.add_argument("--log")
    ap.add_argument("--stats")
    args = ap.parse_args()

    host, port = args.url.split("//")[1].rsplit(":", 1)
    ctx = ssl.create_default_context(cafile=args.ca)
    shared = setup(args, host, int(port), ctx)
    if args.also_url:
        shared["also_port"] = int(args.also_url.rsplit(":", 1)[1])
    stats = Stats()
    stop = threading.Event()
    log = open(args.log, "w") if args.log else None
    log_lock = threading.Lock()
    threads = [threading.Thread(target=worker, args=(n, args, shared, stats, stop, log, log_lock))
               for n in range(args.clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    if args.pid:
        time.sleep(args.warmup)
        stats.samples.append(dict(proc_sample(args.pid), at=round(time.monotonic() - t0, 1)))
        time.sleep(max(0.0, args.seconds - args.warmup))
        stats.samples.append(dict(proc_sample(args.pid), at=round(time.monotonic() - t0, 1)))
    else:
        time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if log:
        log.close()
    lat = sorted(stats.latencies)
    out = {"seconds": round(elapsed, 1), "clients": args.clients, "requests": len(lat),
           "per_second": round(len(lat) / elapsed, 1),
           "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
           "by_op": stats.by_op, "connection_errors": stats.conn_errors,
           "no_retry_after": NO_RETRY_AFTER[0],
           "p50_ms": round(pct(lat, 0.50) * 1000, 1), "p99_ms": round(pct(lat, 0.99) * 1000, 1),
           "samples": stats.samples, "examples": stats.examples}
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(out, f)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
