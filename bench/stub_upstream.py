#!/usr/bin/env python3
"""Stub Coldsend for the benchmark: realistic lead bodies for any campaign/lead UUID.

Serves GET /api/public/v1/campaigns/{uuid}/leads/{uuid} with a deterministic JSON lead of a
fixed size (default 1,800 bytes) derived from the two UUIDs, Coldsend's X-RateLimit-* headers
(with a budget so large that no proxy ever holds back) and an optional added latency. It counts
requests per path so scenarios can prove how many reached the upstream.

Control endpoints (the benchmark script only):
  GET  /__bench/stats[?path=/api/...]   {"total": n, "distinct": n, "path": n}
  POST /__bench/config?delay_ms=50&body_bytes=2048

Binds to 127.0.0.1 only. Usage: stub_upstream.py PORT
"""
import functools
import hashlib
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROUTE = re.compile(r"^/api/public/v1/campaigns/([0-9a-f-]{36})/leads/([0-9a-f-]{36})$")
STATUSES = ["PENDING", "QUEUED", "SENT", "OPENED", "REPLIED", "BOUNCED", "UNSUBSCRIBED"]
FIRST = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Edsger", "Radia"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen"]
COMPANIES = ["Acme GmbH", "Globex Ltd", "Initech", "Umbrella SA", "Hooli", "Stark Industries"]

state_lock = threading.Lock()
counts = {}
settings = {"delay_ms": 0.0, "body_bytes": 1800}


@functools.lru_cache(maxsize=20000)
def lead_body(campaign_id, lead_id, size):
    """A lead with its interaction history, padded to exactly `size` bytes (same UUIDs, same bytes)."""
    seed = hashlib.sha256((campaign_id + lead_id).encode()).digest()
    first, last = FIRST[seed[0] % len(FIRST)], LAST[seed[1] % len(LAST)]
    stamp = "2026-11-%02dT%02d:%02d:%02dZ" % (1 + seed[2] % 28, seed[3] % 24, seed[4] % 60, seed[5] % 60)
    interactions = [
        {"type": kind, "occurred_at": stamp, "email_subject": "Quick question about %s" % COMPANIES[seed[6] % 6],
         "step": step}
        for step, kind in enumerate(["sent", "delivered", "opened", "clicked"], start=1)
    ]
    lead = {
        "lead_id": lead_id, "campaign_id": campaign_id,
        "email": "%s.%s@example.com" % (first.lower(), last.lower()),
        "first_name": first, "last_name": last, "company": COMPANIES[seed[6] % len(COMPANIES)],
        "status": STATUSES[seed[7] % len(STATUSES)],
        "created_at": stamp, "updated_at": stamp, "last_contacted_at": stamp, "next_contact_at": None,
        "custom_fields": {"title": "Head of Platform", "city": "Berlin", "notes": ""},
        "sequence_step": 1 + seed[8] % 5, "email_opened": bool(seed[9] & 1), "email_replied": bool(seed[9] & 2),
        "unsubscribed": False, "delivery_status": "DELIVERED",
        "email_interactions": interactions,
        "replies": [{"received_at": stamp, "snippet": "Thanks, let us talk next week.", "sentiment": "positive"}],
    }
    raw = json.dumps(lead, separators=(",", ":"))
    pad = max(0, size - len(raw))
    lead["custom_fields"]["notes"] = ("lorem ipsum dolor sit amet " * (pad // 27 + 1))[:pad]
    return json.dumps(lead, separators=(",", ":")).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle on, the second waits for the client's
    # delayed ACK (~40 ms), which capped the stub at ~400 requests a second on 16 connections.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _send(self, status, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/__bench/stats":
            wanted = parse_qs(url.query).get("path", [""])[0]
            with state_lock:
                stats = {"total": sum(counts.values()), "distinct": len(counts), "path": counts.get(wanted, 0)}
            self._send(200, json.dumps(stats).encode())
            return
        match = ROUTE.match(url.path)
        if not match:
            self._send(404, b'{"detail":"Not Found"}')
            return
        with state_lock:
            counts[url.path] = counts.get(url.path, 0) + 1
            delay, size = settings["delay_ms"], settings["body_bytes"]
        if delay > 0:
            time.sleep(delay / 1000.0)
        body = lead_body(match.group(1), match.group(2), size)
        reset = str(int(time.time()) + 60)
        self._send(200, body, [("X-RateLimit-Limit", "1000000000"), ("X-RateLimit-Remaining", "999999999"),
                               ("X-RateLimit-Reset", reset)])

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/__bench/config":
            self._send(404, b'{"detail":"Not Found"}')
            return
        query = parse_qs(url.query)
        with state_lock:
            if "delay_ms" in query:
                settings["delay_ms"] = float(query["delay_ms"][0])
            if "body_bytes" in query:
                settings["body_bytes"] = int(query["body_bytes"][0])
            answer = dict(settings)
        self._send(200, json.dumps(answer).encode())


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 4096


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
