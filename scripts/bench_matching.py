"""Evaluate the name matcher on real list data: precision, recall and F1 per kind at the default
thresholds, screening latency, index build time and memory.

    .venv/bin/python scripts/bench_matching.py [--per-source N] [--latency N] [--seed S] [--sweep]

Speed: every bundled party list under data/ (the live service's names) is indexed; the build is
timed, peak memory read from getrusage, the index saved and loaded back, and N labelled queries
are screened one at a time (p50/p99 in-process latency).

Quality at the level of whole screening (retrieval and scoring; pair-level P/R/F1 per failure
mode, with the held-out split and the reference, are scripts/eval_matching.py): three real lists
whose aliases are real variants of one party (the SDN list of 2021-07
with its alt.csv, the BIS Entity List, the UN consolidated list, in tests/fixtures). For each list
an index of its PRIMARY names only is built; every a.k.a./f.k.a. alias (sampled, seeded) is then
screened against it under its party's kind, as published and under treatments: a typo, a swap of
two letters, tokens reordered, legal form dropped or added, upper case with a hyphen. Aliases in
another script (the UN's original-script names) are the transliteration stratum. The listed
party found at or above the threshold is a true positive; any other party at or above it is a
false positive. Real negatives: each sampled party's own primary name screened against the other
parties of its list (look-alike listed parties: any hit is a false positive), and real camera and
electronics makers on no list screened against every bundled name.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The treatments both scripts share are written once, in the evaluation's pair builder.
from eval_pairs import _longest, reorder, transposition  # noqa: E402

from screening.matching import Index, IndexEntry, Matcher, default_threshold  # noqa: E402
from screening.matching.index import entries_from_record  # noqa: E402
from screening.matching.normalize import normalize_name  # noqa: E402
from screening.sources import bis, un  # noqa: E402
from screening.sources.base import Record  # noqa: E402
from screening.sources.bundled import has_bundle, load_bundle  # noqa: E402
from screening.sources.ofac import parse_sdn  # noqa: E402
from screening.sources.registry import FIXED_SOURCES  # noqa: E402

FIX = ROOT / "tests" / "fixtures"
KINDS = ("organization", "person", "vessel", "aircraft")
MAKERS = """Axis Communications; Bosch Security Systems; Hanwha Vision; Hanwha Techwin; Avigilon;
Milestone Systems; Genetec; Sony; Panasonic; Canon; Mobotix; Verkada; Vivotek; Pelco; Hyster;
Hikari Optics; Motorola Solutions; Honeywell; Johnson Controls; Eagle Eye Networks; Rhombus
Systems; Cisco Meraki; Ubiquiti; Synology; Arlo Technologies; Wyze Labs; Swann Communications;
IDIS; i-PRO; March Networks; BriefCam; Idemia; Thales; NEC Corporation; Fujifilm; Nikon; Samsung
Electronics; LG Electronics; Philips; Siemens; Schneider Electric; Teledyne FLIR; Allegion; Assa
Abloy; Dormakaba; Gallagher Security; HID Global; Brivo; Salient Systems; Exacq Technologies;
Digital Watchdog; Speco Technologies; Costar Technologies; Dallmeier; Geutebruck; Senstar; Vicon
Industries; American Dynamics; Interlogix; Kintronics"""
# The bench's own legal-form list (independent of the matcher's vocabulary).
_LEGAL = re.compile(
    r"[,.]?\s*\b(co\.?,?\s*ltd\.?|company limited|limited liability company|llc|ltd\.?|limited|"
    r"inc\.?|corp\.?|corporation|jsc|ojsc|cjsc|pjsc|ooo|oao|zao|gmbh|s\.a\.|fze|plc)(?=\W|$)\.?",
    re.IGNORECASE,
)


def typo(text: str, rng: random.Random) -> str | None:
    words = text.split()
    i = _longest(words)
    w = words[i]
    if len(w) < 5 or not w.isalpha():
        return None
    pos = rng.randrange(1, len(w) - 1)
    letter = rng.choice([c for c in "aeioustrnlkmd" if c != w[pos].lower()])
    words[i] = w[:pos] + (letter.upper() if w[pos].isupper() else letter) + w[pos + 1 :]
    return " ".join(words)


def drop_legal(text: str, rng: random.Random) -> str | None:
    out = " ".join(_LEGAL.sub(" ", text).split()).strip(" ,")
    return out if out and out != text.strip() else None


def add_legal(text: str, rng: random.Random) -> str | None:
    return None if _LEGAL.search(text) else text + rng.choice([" Co., Ltd.", " LLC", " Limited"])


def hyphen_upper(text: str, rng: random.Random) -> str | None:
    words = text.split()
    return (
        ("-".join(words[:2]) + " " + " ".join(words[2:])).upper().strip()
        if len(words) > 1
        else None
    )


TREATMENTS: dict[str, Callable[[str, random.Random], str | None]] = {
    "typo": typo,
    "transposition": transposition,
    "reorder": reorder,
    "drop_legal": drop_legal,
    "add_legal": add_legal,
    "hyphen_upper": hyphen_upper,
}
PARTY_ONLY = {"drop_legal", "add_legal"}


@dataclass
class Outcome:
    """Scores seen for one query: the true party's (None for a negative) and the others'."""

    kind: str
    label: str  # treatment or negative set
    target: float | None
    others: list[float] = field(default_factory=list)


def read(path: Path) -> bytes:
    return path.read_bytes()


def bundled_records() -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for spec in FIXED_SOURCES:
        if (
            spec.parse is None
            or spec.record_type != "party"
            or not has_bundle(ROOT / "data", spec.id)
        ):
            continue
        out[spec.id] = list(spec.parse(load_bundle(ROOT / "data", spec.id).files))
    return out


def labelled_records() -> dict[str, list[Record]]:
    sdn = {p.name: read(p) for p in (FIX / "ofac-sdn" / "2021-07").iterdir()}
    el = read(FIX / "bis-entity-list" / "bis_entity_list_2026-07_derived.json")
    unx = read(FIX / "un-sc-consolidated" / "consolidated_2026-02-27.xml")
    return {
        "us_ofac_sdn@2021-07": list(parse_sdn(sdn)),
        "us_bis_entity_list": list(bis.parse_entity_list({bis.ENTITY_LIST_FILE: el})),
        "un_sc": list(un.parse({un.FILE: unx})),
    }


def primaries(source: str, records: Iterable[Record]) -> Index:
    return Index.build(
        IndexEntry(f"{source}:{r.local_id}", source, r.name, "primary", r.kind, r.countries)
        for r in records
    )


def stratum(alias: str, primary: str) -> str:
    if any(ord(ch) > 0x24F for ch in alias if ch.isalpha()):
        return "transliteration"
    similar = fuzz.token_set_ratio(normalize_name(alias), normalize_name(primary)) >= 60
    return "variant" if similar else "other-name"


def run_query(matcher: Matcher, text: str, kind: str, target: str | None, label: str) -> Outcome:
    hits = matcher.screen(text, kind=kind, threshold=0.0, limit=10)
    found = next((m.score for m in hits if m.entity_id == target), 0.0 if target else None)
    return Outcome(kind, label, found, [m.score for m in hits if m.entity_id != target])


def evaluate(per_source: int, seed: int) -> list[Outcome]:
    rng = random.Random(seed)
    outcomes: list[Outcome] = []
    for source, records in labelled_records().items():
        matcher = Matcher(primaries(source, records))
        by_kind: dict[str, list[tuple[Record, str]]] = defaultdict(list)
        for r in records:
            for a in r.aliases:
                if a.type in ("aka", "fka", "nka") and normalize_name(a.value) != normalize_name(
                    r.name
                ):
                    by_kind[r.kind].append((r, a.value))
        for kind, pairs in by_kind.items():
            for r, alias in rng.sample(pairs, min(per_source, len(pairs))):
                target = f"{source}:{r.local_id}"
                strat = stratum(alias, r.name)
                outcomes.append(run_query(matcher, alias, kind, target, f"as published/{strat}"))
                if strat == "transliteration":
                    continue
                for name, treat in TREATMENTS.items():
                    if name in PARTY_ONLY and kind == "person":
                        continue
                    text = treat(alias, rng)
                    if text:
                        outcomes.append(run_query(matcher, text, kind, target, f"{name}/{strat}"))
        sample = rng.sample(records, min(per_source, len(records)))
        for r in sample:
            target = f"{source}:{r.local_id}"
            hit = run_query(matcher, r.name, r.kind, target, "negative/look-alike listed")
            outcomes.append(Outcome(r.kind, hit.label, None, hit.others))
    return outcomes


def metrics(outcomes: list[Outcome], threshold: float) -> tuple[int, int, int, int]:
    """(positives, true positives, false positives, negative queries) at a threshold."""
    pos = [o for o in outcomes if o.target is not None]
    tp = sum(1 for o in pos if o.target is not None and o.target >= threshold)
    fp = sum(1 for o in outcomes for s in o.others if s >= threshold)
    return len(pos), tp, fp, len(outcomes) - len(pos)


def prf(tp: int, fp: int, pos: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / pos if pos else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(queries: list[tuple[str, str]]) -> tuple[dict[str, float], Matcher]:
    records = bundled_records()
    entries = [
        e for sid, recs in records.items() for r in recs for e in entries_from_record(sid, r)
    ]
    before = rss_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    index = Index.build(entries, cache_key="bench")
    build = time.perf_counter() - start
    build_cpu = time.process_time() - start_cpu
    peak = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.pkl"
        t0 = time.perf_counter()
        index.save(path)
        saved = time.perf_counter() - t0
        size = path.stat().st_size / 1e6
        t0, c0 = time.perf_counter(), time.process_time()
        loaded = Index.load(path, "bench")
        load, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert loaded is not None
    matcher = Matcher(loaded)
    for text, kind in queries[:50]:  # warm-up
        matcher.screen(text, kind=kind)
    times, cpu = [], []
    for text, kind in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        matcher.screen(text, kind=kind)
        cpu.append((time.process_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    cpu.sort()
    figures = {
        "sources": len(records),
        "entities": len(loaded.entities),
        "names": len(loaded),
        "build_s": build,
        "build_cpu_s": build_cpu,
        "cpu_p50_ms": cpu[len(cpu) // 2],
        "cpu_p99_ms": cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))],
        "cpu_mean_ms": statistics.fmean(cpu),
        "save_s": saved,
        "load_s": load,
        "load_cpu_s": load_cpu,
        "file_mb": size,
        "rss_before_build_mb": before,
        "peak_rss_mb": peak,
        "queries": len(times),
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        "mean_ms": statistics.fmean(times),
    }
    return figures, matcher


def makers(matcher: Matcher) -> list[Outcome]:
    out = []
    for name in (" ".join(m.split()) for m in MAKERS.split(";")):
        hits = matcher.screen(name, kind="organization", threshold=0.0, limit=10)
        out.append(
            Outcome("organization", "negative/makers on no list", None, [m.score for m in hits])
        )
    return out


def kind_table(title: str, outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    print(f"\n{title}\n{'kind':<13}{'thr':>5}{'pos':>7}{'TP':>7}{'FP':>6}{'negq':>6}", end="")
    print(f"{'P':>7}{'R':>7}{'F1':>7}")
    out = {}
    for kind in KINDS:
        sub = [o for o in outcomes if o.kind == kind]
        if not sub:
            continue
        t = default_threshold(kind)
        pos, tp, fp, neg = metrics(sub, t)
        p, r, f1 = prf(tp, fp, pos)
        out[kind] = {"threshold": t, "positives": pos, "tp": tp, "fp": fp, "p": p, "r": r, "f1": f1}
        print(f"{kind:<13}{t:>5.2f}{pos:>7}{tp:>7}{fp:>6}{neg:>6}{p:>7.3f}{r:>7.3f}{f1:>7.3f}")
    return out


def label_table(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    print(f"\n{'treatment/stratum, at the kind thresholds':<48}{'n':>6}{'TP':>6}{'FP':>6}{'R':>7}")
    out = {}
    for label in sorted({o.label for o in outcomes}):
        sub = [o for o in outcomes if o.label == label]
        tp = sum(1 for o in sub if o.target is not None and o.target >= default_threshold(o.kind))
        fp = sum(1 for o in sub for s in o.others if s >= default_threshold(o.kind))
        pos = sum(1 for o in sub if o.target is not None)
        out[label] = {"n": len(sub), "tp": tp, "fp": fp}
        recall = f"{tp / pos:7.3f}" if pos else "      -"
        print(f"{label:<48}{len(sub):>6}{tp:>6}{fp:>6}{recall}")
    return out


def sweep(outcomes: list[Outcome]) -> None:
    print("\nthreshold sweep without the other-name aliases (P/R/F1 per kind)")
    for step in range(60, 100, 2):
        t = step / 100
        cells = []
        for kind in KINDS[:3]:
            sub = [o for o in outcomes if o.kind == kind]
            pos, tp, fp, _ = metrics(sub, t)
            p, r, f1 = prf(tp, fp, pos)
            cells.append(f"{kind[:6]} {p:.3f}/{r:.3f}/{f1:.3f}")
        print(f"{t:.2f}  " + "  ".join(cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-source", type=int, default=400, help="aliases sampled per list and kind")
    ap.add_argument("--latency", type=int, default=2000, help="queries timed")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sweep", action="store_true", help="also print F1 over thresholds")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    outcomes = evaluate(args.per_source, args.seed)
    rng = random.Random(args.seed)
    queries = [(" ".join(m.split()), "organization") for m in MAKERS.split(";")]
    names = [
        (a.value, r.kind) for recs in labelled_records().values() for r in recs for a in r.aliases
    ]
    queries += rng.sample(names, min(args.latency, len(names)) - len(queries))
    figures, full = speed(queries)
    outcomes += makers(full)
    report: dict[str, object] = {"speed": figures}
    print(
        f"index: {figures['sources']} bundled lists, {figures['entities']} parties, "
        f"{figures['names']} names"
    )
    print(
        f"build {figures['build_s']:.2f} s ({figures['build_cpu_s']:.2f} s CPU), "
        f"save {figures['save_s']:.2f} s, "
        f"load {figures['load_s']:.2f} s ({figures['load_cpu_s']:.2f} s CPU, "
        f"{figures['file_mb']:.1f} MB); "
        f"peak RSS {figures['peak_rss_mb']:.0f} MB "
        f"({figures['rss_before_build_mb']:.0f} MB before the build: the parsed records)"
    )
    print(
        f"screen latency over {figures['queries']} queries: p50 {figures['p50_ms']:.3f} ms, "
        f"p99 {figures['p99_ms']:.3f} ms, mean {figures['mean_ms']:.3f} ms (wall); "
        f"CPU p50 {figures['cpu_p50_ms']:.3f} ms, p99 {figures['cpu_p99_ms']:.3f} ms, "
        f"mean {figures['cpu_mean_ms']:.3f} ms (the machine is shared: CPU time is the steadier)"
    )
    variants = [o for o in outcomes if "/other-name" not in o.label]
    report["all"] = kind_table("all aliases (positives) and negatives", outcomes)
    report["variants"] = kind_table(
        "without the other-name aliases (no shared word: renamings, unrelated a.k.a.s)", variants
    )
    report["labels"] = label_table(outcomes)
    if args.sweep:
        sweep(variants)
    if args.json:
        print(json.dumps(report, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
