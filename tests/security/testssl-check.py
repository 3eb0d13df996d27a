#!/usr/bin/env python3
"""Judges a testssl.sh flat JSON report (--jsonfile) for one [tls] profile
of samverkand and prints the normalised summary that
tests/security/testssl diffs against testssl-expected-<profile>.txt.
Exits 1 when a rule is broken (listed on stderr):
  - no finding rated HIGH or CRITICAL;
  - only TLS 1.2 and 1.3 offered (only 1.3 for the modern profile);
  - forward secrecy for every cipher offered;
  - no TLS compression (CRIME_TLS not vulnerable);
  - no insecure renegotiation (secure_renego, secure_client_renego).
"""
import json
import re
import sys

RANKS = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}
PROTOCOLS = ["SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3"]
WANTED = {"intermediate": {"TLS1_2", "TLS1_3"}, "modern": {"TLS1_3"}}


def main():
    profile, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        findings = json.load(f)
    by_id = {}
    for f in findings:
        by_id.setdefault(f["id"], []).append(f)
    problems = []
    out = []

    offered = set()
    for p in PROTOCOLS:
        if p not in by_id:
            problems.append(f"protocol {p}: not tested")
            continue
        text = by_id[p][0]["finding"]
        is_offered = text.startswith("offered")
        if is_offered:
            offered.add(p)
        out.append(f"protocol {p}: {'offered' if is_offered else 'not offered'}")
    if offered != WANTED[profile]:
        problems.append(f"protocols offered {sorted(offered)}, want {sorted(WANTED[profile])}")

    # cipher-tls1_2_xc02c: "TLS 1.2  xc02c  ECDHE-ECDSA-AES256-GCM-SHA384  ECDH 253  AESGCM  256  TLS_..."
    ciphers = [f for f in findings if f["id"].startswith("cipher-")]
    if not ciphers:
        problems.append("no cipher list in the report")
    for f in sorted(ciphers, key=lambda f: f["id"]):
        cols = f["finding"].split()
        proto, name, kx = " ".join(cols[0:2]), cols[3], cols[4]
        out.append(f"cipher {proto} {name} kx={kx}")
        if proto == "TLS 1.3":
            continue
        if not (kx.startswith("ECDH") or kx.startswith("DH")):
            problems.append(f"cipher {name} ({proto}) has no forward secrecy (kx {kx})")
        if re.search(r"-CBC|-SHA$|RC4|3DES|NULL|EXP|anon", name):
            problems.append(f"cipher {name} ({proto}) is not an AEAD cipher")

    def require(fid, pattern, what):
        if fid not in by_id:
            problems.append(f"{fid}: not in the report ({what})")
            return
        text = by_id[fid][0]["finding"]
        if not re.search(pattern, text):
            problems.append(f"{fid}: {text!r} ({what})")

    require("PFS", r"^offered", "forward secrecy")
    # TLS 1.3 has no compression at all: testssl.sh then says so instead.
    require("CRIME_TLS", r"^not vulnerable|^TLS 1.3 only server", "TLS compression")
    require("secure_client_renego", r"^not vulnerable", "client-initiated renegotiation")
    if profile == "intermediate":
        require("secure_renego", r"^supported", "RFC 5746 secure renegotiation")

    for f in findings:
        sev = f["severity"]
        if sev in RANKS and RANKS[sev] >= RANKS["HIGH"]:
            problems.append(f"{f['id']} rated {sev}: {f['finding']}")
        if sev in RANKS and not f["id"].startswith("cipher"):
            out.append(f"finding {f['id']} {sev}: {f['finding']}")
        if sev == "WARN" and f["id"] != "engine_problem":
            print(f"testssl warning: {f['id']}: {f['finding']}", file=sys.stderr)

    print("\n".join(out))
    for p in problems:
        print(f"testssl ({profile}): {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
