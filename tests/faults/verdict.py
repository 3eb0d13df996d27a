#!/usr/bin/env python3
"""The verdict of a crash or outage scenario (tests/faults/lib.sh):
reads the rows the scenario's load stored (dumped by lib.sh into WORKDIR),
the load's log of writes and its figures, prints the counts and exits 1
on anything lost, stored twice, never answered, answered 5xx other than
503, or 503 without Retry-After.

  verdict.py WORKDIR NAME
"""
import json, sys
w, name = sys.argv[1], sys.argv[2]
def rows(name):
    return [l.rstrip("\n").split("|") for l in open(f"{w}/{name}") if l.strip()]
inc = {}
for ext, iid, n in rows("incidents.txt"):
    inc.setdefault(ext, []).append(iid)
inc_audit = {i: int(n) for i, n in rows("incident-audit.txt")}
upd = {note: int(n) for note, n in rows("updates.txt")}
upd_audit = {note: int(n) for note, n in rows("update-audit.txt")}
writes = [json.loads(l) for l in open(f"{w}/writes.jsonl")]
acked = [x for x in writes if x["status"] and 200 <= x["status"] < 300]
retried = [x for x in writes if x["attempts"] > 1]
unanswered = [x for x in writes if x not in acked]
lost = dup = 0
problems = []
def stored(x):
    """How often x is stored, and how many audit entries it has."""
    if x["op"] == "incidents":
        counts = [len(inc.get(e, [])) for e in x["external_ids"]]
        audits = [inc_audit.get(i, 0) for e in x["external_ids"] for i in inc.get(e, [])]
        return counts, audits
    return [upd.get(x["note"], 0)], [upd_audit.get(x["note"], 0)]
for x in acked + [x for x in retried if x not in acked]:
    counts, audits = stored(x)
    ack = x in acked
    if ack and min(counts) == 0:
        lost += 1
        problems.append(f"lost: {x['op']} key {x['key']} answered {x['status']}, stored {counts}")
    if max(counts) > 1:
        dup += 1
        problems.append(f"duplicated: {x['op']} key {x['key']}, stored {counts}")
    if ack and any(a != 1 for a in audits):
        problems.append(f"audit: {x['op']} key {x['key']}: audit entries {audits}, want 1 each")
    if x["op"] == "incidents" and ack and x.get("ids"):
        mine = sorted(i for e in x["external_ids"] for i in inc.get(e, []))
        if mine != sorted(x["ids"]):
            problems.append(f"ids: incident batch key {x['key']} answered other ids than stored")
in_doubt = {}
for x in unanswered:
    counts, _ = stored(x)
    k = f"answered {x['status']}, stored {max(counts)}x"
    in_doubt[k] = in_doubt.get(k, 0) + 1
s = json.load(open(f"{w}/stats.json"))
print(f"writes {len(writes)}: acknowledged {len(acked)}, retried {len(retried)} "
      f"(of which acknowledged {len([x for x in retried if x in acked])}), "
      f"lost {lost}, duplicated {dup}, unanswered {len(unanswered)}")
print("answers by status: " + ", ".join(f"{k}: {v}" for k, v in s["statuses"].items())
      + f"; broken connections {s['connection_errors']}")
for k, v in s["examples"].items():
    print(f"first {k}: {json.dumps(v)[:300]}")
bad = {k: v for k, v in s["statuses"].items() if int(k) >= 500 and int(k) != 503}
if bad:
    problems.append("answers other than 503 from the server side: "
                    + ", ".join(f"{v} × {k}" for k, v in bad.items()))
if s.get("no_retry_after"):
    problems.append(f"{s['no_retry_after']} answers 503 without Retry-After")
if unanswered:
    problems.append("writes never acknowledged though retried with their key: "
                    + ", ".join(f"{v} {k}" for k, v in in_doubt.items()))
for p in problems[:20]:
    print(f"{name}: FAIL: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
