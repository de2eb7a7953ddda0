"""Checks a backend against the sync report API contract (docs/api.md, docs/openapi.yaml).

Run through scripts/check-backend.sh, which sets up Schemathesis first. Standard library only
(urllib), so the same script checks any backend, anywhere: our reference server in the test
command, or someone else's at https://their.host/api.

Three parts, one readable report, exit status 1 on any failure:
1. Endpoints: the core must answer; each optional endpoint is offered, or not offered (404,
   405 or 501), and the report says which features the page then does without.
2. Core behaviour the schema cannot express: strict parameters, the tie-break by id, stable
   pages, meta.total, resync outcomes per id in the order asked.
3. Schemathesis (--checks all) over every endpoint offered.
"""

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

# What the page does without each optional endpoint (README: "Any backend").
OPTIONAL = [
    (
        "GET",
        "/sync-reports/facets",
        None,
        "header filters offer the four statuses, meta.available_entities and the values seen "
        "in loaded pages (marked as such)",
    ),
    (
        "GET",
        "/sync-reports/summary",
        None,
        "no summary strip (counts by status, syncs per hour) and no failure groups; the page "
        "says so in one line",
    ),
    (
        "GET",
        "/sync-reports/ids",
        None,
        '"select all matching" pages through GET /sync-reports instead, up to 10,000 entries',
    ),
    (
        "POST",
        "/sync-reports/lookup",
        {"ids": []},
        'the resync confirmation and "download selected" use the entries already loaded, then '
        "page through the last 15 days (up to 10,000 entries)",
    ),
    (
        "GET",
        "/sync-reports/changes",
        None,
        'auto-refresh refreshes the rows in view each interval instead; no "N new entries"',
        {"since": "2026-01-01T00:00:00Z"},
    ),
]
NOT_OFFERED = (404, 405, 501)
# Ids no real backend is likely to hold: the resync check asks for these only.
UNLIKELY_IDS = [18446744073709551615, 18446744073709551614]


class Backend:
    def __init__(self, base, token, timeout):
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method, path, params=None, body=None):
        """(status, parsed JSON or None, raw text)."""
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                status, text = r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode("utf-8", "replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        return status, parsed, text


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.missing = []

    def section(self, title):
        print(f"\n{title}")

    def ok(self, what):
        self.passed += 1
        print(f"  PASS  {what}")

    def fail(self, what, why):
        self.failed += 1
        print(f"  FAIL  {what}\n        {why}")

    def check(self, what, fn):
        """Runs one check; an AssertionError or a network failure is a FAIL with its reason."""
        try:
            fn()
        except AssertionError as e:
            self.fail(what, str(e) or "assertion failed")
        except (OSError, ValueError, KeyError, TypeError) as e:
            self.fail(what, f"{type(e).__name__}: {e}")
        else:
            self.ok(what)


def short(text, n=200):
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def page(api, params):
    status, body, text = api.call("GET", "/sync-reports", params)
    expect(status == 200, f"GET /sync-reports?{urllib.parse.urlencode(params)} answered {status}: {short(text)}")
    expect(isinstance(body, dict) and isinstance(body.get("data"), list), "the answer has no data array")
    meta = body.get("meta") or {}
    expect(isinstance(meta.get("total"), int), "meta.total is not a whole number")
    return body["data"], meta


def ids(entries):
    return [int(e["id"]) for e in entries]


def pinned(api):
    """The widest range, pinned to the server's clock (meta.generated_at) when it says it."""
    _, meta = page(api, {"filter[days]": "15", "per_page": "1"})
    at = meta.get("generated_at")
    now = datetime.fromisoformat(at.replace("Z", "+00:00")) if at else datetime.now(timezone.utc)
    return {"filter[start]": iso(now - timedelta(days=15)), "filter[end]": iso(now)}


def refused(api, params, name):
    def run():
        status, body, text = api.call("GET", "/sync-reports", params)
        expect(status == 400, f"answered {status}, not 400: {short(text)}")
        named = json.dumps(body or {})
        expect(name in named, f"the 400 does not name {name}: {short(text)}")

    return run


def tie_break(api, rng, direction):
    def run():
        params = dict(rng, **{"filter[sort_field]": "status", "filter[sort_direction]": direction, "per_page": "1000"})
        data, _ = page(api, params)
        expect(len(data) > 1, "too few entries to compare (need at least 2 in the last 15 days)")
        for a, b in zip(data, data[1:]):
            if a["status"] != b["status"]:
                continue
            x, y = int(a["id"]), int(b["id"])
            good = x < y if direction == "asc" else x > y
            expect(good, f"status ties are not broken by id {direction}: id {x} before id {y}")

    return run


def stable_pages(api, rng):
    def run():
        whole, _ = page(api, dict(rng, per_page="120"))
        parts = []
        for n in (1, 2, 3):
            data, _ = page(api, dict(rng, per_page="40", page=str(n)))
            parts += data
        expect(ids(parts) == ids(whole), "pages 1 to 3 of 40 are not the first 120 entries in the same order")
        expect(len(set(ids(whole))) == len(whole), "an id appears twice in one answer")

    return run


def totals(api, rng):
    def run():
        data, meta = page(api, dict(rng, per_page="1000"))
        total = meta["total"]
        expect(total >= len(data), f"meta.total {total} is less than the {len(data)} entries sent")
        last = max(1, -(-total // 1000))
        seen = len(data)
        if last > 1:
            tail, m = page(api, dict(rng, per_page="1000", page=str(last)))
            expect(m["total"] == total, "meta.total changed between pages of a pinned range")
            expect(len(tail) == total - (last - 1) * 1000, f"the last page (page {last}) holds {len(tail)} entries, meta.total says {total - (last - 1) * 1000}")
            seen = (last - 1) * 1000 + len(tail)
        expect(seen == total, f"the pages hold {seen} entries, meta.total says {total}")
        past, _ = page(api, dict(rng, per_page="1000", page=str(last + 1)))
        expect(past == [], "a page past the last one is not empty")

    return run


def filters(api, rng):
    def run():
        everything, meta_all = page(api, dict(rng, per_page="1"))
        failed, meta = page(api, dict(rng, **{"filter[status]": "Failed", "per_page": "1000"}))
        expect(all(e["status"] == "Failed" for e in failed), "filter[status]=Failed answered other statuses")
        expect(meta["total"] <= meta_all["total"], "a filter made meta.total larger")

    return run


def resync_outcomes(api):
    def run():
        asked = UNLIKELY_IDS
        status, body, text = api.call("POST", "/sync-reports/resync", body={"ids": asked})
        expect(status == 200, f"answered {status}: {short(text)}")
        data = (body or {}).get("data")
        expect(isinstance(data, list), "the answer has no data array")
        expect([int(o.get("id", -1)) for o in data] == asked, f"outcomes are not one per id in the order asked: {short(text)}")
        for o in data:
            expect(o.get("outcome") in ("accepted", "refused", "failed"), f"unknown outcome: {o}")

    return run


def body_refused(api, body, what):
    def run():
        status, _, text = api.call("POST", "/sync-reports/resync", body=body)
        expect(status == 400, f"{what} answered {status}, not 400: {short(text)}")

    return run


def endpoints(api, report):
    report.section("Endpoints")
    for method, path, body in (("GET", "/sync-reports", None), ("POST", "/sync-reports/resync", {"ids": []})):
        status, parsed, text = api.call(method, path, {"per_page": "1"} if method == "GET" else None, body)
        if status == 200 and isinstance(parsed, dict) and isinstance(parsed.get("data"), list):
            report.ok(f"{method:4} {path}  (core)")
        else:
            report.fail(f"{method:4} {path}  (core)", f"answered {status}: {short(text)}")
    for method, path, body, cost, *params in OPTIONAL:
        status, parsed, text = api.call(method, path, params[0] if params else None, body)
        if status == 200 and isinstance(parsed, dict):
            report.ok(f"{method:4} {path}  (optional, offered)")
        elif status in NOT_OFFERED:
            report.missing.append(path)
            print(f"  MISS  {method:4} {path}  (optional, not offered: {status})\n        without it: {cost}")
        else:
            report.fail(f"{method:4} {path}  (optional)", f"answered {status}, neither an answer nor 404/405/501: {short(text)}")


def behaviour(api, report, allow_resync):
    report.section("Core behaviour")
    try:
        rng = pinned(api)
    except (AssertionError, OSError, ValueError) as e:
        report.fail("GET /sync-reports reads", str(e))
        return
    report.check("strict parameters: filter[days]=40 is a 400 naming it", refused(api, {"filter[days]": "40"}, "filter[days]"))
    report.check("strict parameters: per_page=5000 is a 400 naming it", refused(api, {"per_page": "5000"}, "per_page"))
    report.check("strict parameters: an unknown filter is a 400 naming it", refused(api, {"filter[colour]": "red"}, "filter[colour]"))
    report.check("strict parameters: a malformed date is a 400 naming it", refused(api, {"filter[start]": "yesterday", "filter[end]": rng["filter[end]"]}, "filter[start]"))
    report.check("ties are broken by id, ascending", tie_break(api, rng, "asc"))
    report.check("ties are broken by id, descending", tie_break(api, rng, "desc"))
    report.check("pages are stable: three pages of 40 are the first 120 entries", stable_pages(api, rng))
    report.check("meta.total counts every page, and past the last page data is empty", totals(api, rng))
    report.check("filters narrow: filter[status]=Failed answers Failed entries only", filters(api, rng))
    if allow_resync:
        report.check("resync: one outcome per id, in the order asked", resync_outcomes(api))
        report.check("resync: a body with an unknown property is a 400", body_refused(api, {"ids": [], "extra": 1}, "an unknown property"))
        report.check("resync: more than 1,000 ids is a 400", body_refused(api, {"ids": list(range(1001))}, "1,001 ids"))
    else:
        print("  SKIP  resync checks (--no-resync)")


def schemathesis(args, report):
    report.section("Schemathesis (--checks all) on the endpoints offered")
    here = os.path.dirname(os.path.abspath(__file__))
    cmd = [args.st, "run", args.schema, "--url", args.base, "--checks", "all", "--no-color"]
    if args.token:
        cmd += ["-H", f"Authorization: Bearer {args.token}"]
    if args.seed is not None:
        cmd += ["--seed", str(args.seed)]
    excluded = list(report.missing)
    if not args.allow_resync:
        excluded.append("/sync-reports/resync")
    for path in excluded:
        cmd += ["--exclude-path", path]
    env = dict(os.environ, SCHEMATHESIS_HOOKS="hooks", PYTHONPATH=here)
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = run.stdout.splitlines()
    counts = next((l.strip() for l in reversed(lines) if "generated" in l), "no summary line")
    if run.returncode == 0:
        report.ok(f"{counts}; skipped: {', '.join(excluded) or 'none'}")
    else:
        report.fail(counts, "Schemathesis found failures; its report follows")
        start = next((i for i, l in enumerate(lines) if "FAILURES" in l), max(0, len(lines) - 80))
        print("\n".join("        " + l for l in lines[start:]))
        if run.stderr.strip():
            print("        " + short(run.stderr, 2000))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base", help="the API base, e.g. https://their.host/api")
    p.add_argument("--token", default=os.environ.get("SYNC_REPORT_TOKEN"), help="bearer token (or SYNC_REPORT_TOKEN)")
    p.add_argument("--no-resync", dest="allow_resync", action="store_false", help="send no resync request (for a production backend)")
    p.add_argument("--schema", required=True)
    p.add_argument("--st", required=True, help="the Schemathesis command")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--seed", type=int, help="Schemathesis' random seed (for a repeatable run; random by default)")
    args = p.parse_args()
    api = Backend(args.base, args.token, args.timeout)
    print(f"Backend conformance: {args.base}")
    if args.allow_resync:
        print("(This sends resync requests, for ids no backend should hold and for Schemathesis' generated ids: use a test backend, or --no-resync.)")
    report = Report()
    endpoints(api, report)
    behaviour(api, report, args.allow_resync)
    schemathesis(args, report)
    missing = f"; optional endpoints not offered: {', '.join(report.missing)}" if report.missing else "; every optional endpoint offered"
    print(f"\nSummary: {report.passed} passed, {report.failed} failed{missing}.")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
