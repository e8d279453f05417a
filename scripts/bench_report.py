"""What `bench.py` measures against: the endpoints, the issue's targets, the growth check and the
Markdown tables (printed after a run, and by `bench.py --markdown` for docs/performance.md)."""

from __future__ import annotations

import json
from typing import Any

from benchlib import VAR

ENDPOINTS: dict[str, tuple[str, str | None]] = {
    "health": ("/health", None),
    "detail": ("/api/patents/{id}", "detail.lua"),
    "list": ("/api/patents?limit=20", "list.lua"),
}
LABELS = {
    "health": "GET /health",
    "detail": "GET /api/patents/{id}",
    "list": "GET /api/patents (20 a page)",
}
RATIO_TARGETS = {"health": 0.6, "detail": 0.35, "list": 0.25}
GROWTH_TARGET = 1.5
ACCEPTANCES_TARGET = 200.0
HEALTH_UNDER_LOAD_MS = 100.0
BULK_TARGET_S = 60.0


def growth(sizes: dict[str, Any]) -> dict[str, Any]:
    """p99 of the app at the largest size over p99 at the smallest, for list and detail."""
    if len(sizes) < 2:
        return {}
    small, large = sizes[min(sizes, key=int)], sizes[max(sizes, key=int)]
    return {
        name: {
            "from": min(sizes, key=int),
            "to": max(sizes, key=int),
            "p99_ms": [small[name]["app"]["p99_ms"], large[name]["app"]["p99_ms"]],
            "factor": round(large[name]["app"]["p99_ms"] / small[name]["app"]["p99_ms"], 2),
        }
        for name in ("detail", "list")
    }


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the issue this run measured: met or missed."""
    out: list[dict[str, Any]] = []

    def check(what: str, value: Any, target: str, met: bool) -> None:
        out.append({"what": what, "value": value, "target": target, "met": bool(met)})

    for kind, db in result["databases"].items():
        sizes = db["sizes"]
        wanted = [s for s in sizes if int(s) >= 20_000] or list(sizes)
        for size in wanted:
            for name, least in RATIO_TARGETS.items():
                ratio = sizes[size][name]["ratio"]
                check(
                    f"{LABELS[name]} / bare, {kind}, {int(size):,}",
                    ratio,
                    f"≥ {least}",
                    ratio >= least,
                )
        for name, g in db.get("growth", {}).items():
            check(
                f"{name} p99 growth {int(g['from']):,} → {int(g['to']):,}, {kind}",
                g["factor"],
                f"≤ {GROWTH_TARGET}×",
                g["factor"] <= GROWTH_TARGET,
            )
        for size, measured in sizes.items():
            if "acceptance" in measured:
                a = measured["acceptance"]
                check(
                    f"acceptances/s, {a['smes']} SMEs, {kind}, {int(size):,}",
                    a["per_second"],
                    f"≥ {ACCEPTANCES_TARGET:.0f}",
                    a["per_second"] >= ACCEPTANCES_TARGET,
                )
                check("duplicate agreements", a["duplicates"], "0", a["duplicates"] == 0)
                check(
                    "audit verify",
                    "clean" if a["audit_verify_ok"] else "failed",
                    "clean",
                    a["audit_verify_ok"],
                )
            if "health_under_load" in measured:
                p99 = measured["health_under_load"]["loaded"]["health"]["p99_ms"]
                check(
                    "/health p99 while 4 PDFs render and 8 logins run",
                    p99,
                    f"< {HEALTH_UNDER_LOAD_MS:.0f} ms",
                    p99 < HEALTH_UNDER_LOAD_MS,
                )
    return out


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"Run {m['date']} on {m['nproc']} cores ({m['cpu']}), load average "
        f"{' / '.join(f'{x:.2f}' for x in m['loadavg'])} before and "
        f"{' / '.join(f'{x:.2f}' for x in result['loadavg_after'])} after; "
        f"{result['client']}; server {result['server']}. Medians of the rounds; the ratio is the "
        "median of the per-round ratios app / bare.",
        "",
    ]
    for kind, db in result["databases"].items():
        lines += [
            f"**{kind}**",
            "",
            "| patents | request | app rps | app p99 ms | bare rps | bare p99 ms | ratio "
            "| target |",
            "|---|---|---|---|---|---|---|---|",
        ]
        first = []
        for size, measured in sorted(db["sizes"].items(), key=lambda kv: int(kv[0])):
            if f := measured.get("first_reads"):
                first.append(
                    f"{int(size):,}: detail {f['detail_rps']:.0f} rps, list "
                    f"{f['list_rps_one_client']:.0f} pages/s (one client)"
                )
            for name in ENDPOINTS:
                r = measured[name]
                lines.append(
                    f"| {int(size):,} | {LABELS[name]} | {r['app']['rps']:.0f} | "
                    f"{r['app']['p99_ms']:.1f} | {r['bare']['rps']:.0f} | "
                    f"{r['bare']['p99_ms']:.1f} | {r['ratio']:.3f} | ≥ {RATIO_TARGETS[name]} |"
                )
        lines.append("")
        if first:
            lines += [
                "First reads, before the rounds (no copy in memory yet, from the database): "
                + "; ".join(first)
                + ".",
                "",
            ]
    lines += _scenarios(result)
    lines += ["| target | measured | wanted | |", "|---|---|---|---|"]
    for t in result.get("targets", []):
        lines.append(
            f"| {t['what']} | {t['value']} | {t['target']} | {'met' if t['met'] else 'MISSED'} |"
        )
    return "\n".join(lines + _bulk())


def _scenarios(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for kind, db in result["databases"].items():
        for size, measured in db["sizes"].items():
            a = measured.get("acceptance")
            h = measured.get("health_under_load")
            if a:
                lines.append(
                    f"Acceptances ({kind}, {int(size):,} patents): {a['smes']} SMEs, "
                    f"{a['per_second']}/s over {a['duration_s']} s (statuses {a['statuses']}, "
                    f"p99 {a['p99_ms']:.0f} ms); {a['agreements']} agreements, "
                    f"{a['duplicates']} duplicates; audit verify "
                    f"{'clean' if a['audit_verify_ok'] else 'FAILED'}."
                )
            if h:
                loaded = h["loaded"]
                lines.append(
                    f"`/health` p99 alone {h['alone']['p99_ms']:.1f} ms; while {h['renderers']} "
                    f"contract PDFs render and {h['logins']} logins run "
                    f"{loaded['health']['p99_ms']:.1f} ms ({loaded['pdfs']} PDFs at "
                    f"{loaded['pdf_mean_s']} s, {loaded['logins']} logins at "
                    f"{loaded['login_mean_s']} s)."
                )
        for name, g in db.get("growth", {}).items():
            lines.append(
                f"{kind} {name} p99 {g['p99_ms'][0]:.1f} → {g['p99_ms'][1]:.1f} ms from "
                f"{int(g['from']):,} to {int(g['to']):,} patents: ×{g['factor']}."
            )
    return [*lines, ""] if lines else []


def _bulk() -> list[str]:
    """The bulk paths, from the latest `bench_bulk.py` run at 100k, when there is one."""
    path = VAR / "bulk-100000.json"
    if not path.exists():
        return []
    bulk = json.loads(path.read_text())
    lines = [
        "",
        f"Bulk paths, {bulk['patents']:,} patents ({bulk['machine']['date']}, "
        f"medians of {bulk['repeat']}):",
        "",
    ]
    for kind, steps in bulk["databases"].items():
        for step in ("seed", "import", "index"):
            s = steps[step]
            met = "met" if s["median_s"] <= BULK_TARGET_S else "MISSED"
            lines.append(f"- {kind} {step}: {s['median_s']} s (≤ {BULK_TARGET_S:.0f} s: {met})")
    return lines
