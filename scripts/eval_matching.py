"""Evaluate the name scorer on labelled pairs of real list names: P/R/F1 per kind and per failure
mode at the shipped thresholds, a threshold sweep, a held-out split, and the seed cases.

    .venv/bin/python scripts/eval_matching.py [--per-mode N] [--seed S] [--sweep] [--reference]

Pairs (screened name, listed name, kind, same party?), all from real published files
(tests/fixtures/eval/PROVENANCE.md):
- positives "as published": a party's primary name and each of its a.k.a./f.k.a. names, from the
  OFAC SDN alt.csv of 2025-12 (joined to the 2024-06 sdn.csv), the full 2022 Consolidated
  Screening List's alt_names, the UN consolidated list (with its original-script names) and the
  BIS Entity List; stratified as variant (shares a word), transliteration (another script) and
  other-name (shares no word: a renaming, which no name scorer can find);
- positives "treated": a listed name against itself after a typo, two typos, a swapped letter pair,
  its legal form dropped, added or changed, its words reordered, upper case with a hyphen, two
  words joined or one split, a number written out ("44" -> "forty-four", "1st" -> "first");
- negatives: pairs of two different parties of one list whose names share every word but one (the
  differing word classed as a place, a number, a trade word, a legal form or a distinctive word;
  for persons, one part of a 4+-part name substituted: a relative), or where one name is the
  other plus one word (a person's extra middle name, a company's qualifier), and pairs that share
  one distinctive word only; and those negatives again with the first party's name in its
  original script (the UN list's Arabic, Chinese and Cyrillic names), modes "... (other script)".
Split by party (crc32 of the entity id): 30% held out, reported separately; thresholds are read
off the development part. With --reference, the same pairs are scored by nomenklatura's
logic-v2 from a separate venv (/work/refvenv, or REFERENCE_PYTHON) and printed beside ours.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_pairs import (  # noqa: E402
    KINDS,
    Pair,
    csl_parties,
    negatives,
    ofac_parties,
    positives,
    un_bis_parties,
)

from screening.matching import default_threshold  # noqa: E402
from screening.matching.algorithm import Context, evaluate  # noqa: E402
from screening.matching.normalize import NameAnalysis, analyse_name  # noqa: E402

# -- seed cases ---------------------------------------------------------------------------------

HIK = "Hangzhou Hikvision Digital Technology Co., Ltd."
DAHUA = "Zhejiang Dahua Technology Co., Ltd."
SEEDS: list[tuple[str, str, str, bool]] = [
    ("Hikivision", HIK, "organization", True),
    ("Hikvison", HIK, "organization", True),
    ("HIK VISION", HIK, "organization", True),
    ("Hangzhou Hikvision", HIK, "organization", True),
    ("Хиквижн", "HIKVISION", "organization", True),
    ("Dahau", "Dahua Technology", "organization", True),
    ("Zhejiang Dahua Technology", DAHUA, "organization", True),
    ("Scan Computers", "JOINT STOCK COMPANY SCAN", "organization", False),
    ("Hyster", "OYSTER INVESTMENTS LLC", "organization", False),
    ("Axis Communications", "Z AXIS LLC", "organization", False),
    ("Hikari Optics", "AL-HIYARI, Bilal Mansur", "organization", False),
]
# -- scoring ------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _analysis(text: str, person: bool) -> NameAnalysis:
    return analyse_name(text, person)


def score(pair: Pair) -> float:
    person = pair.kind == "person"
    q, c = _analysis(pair.query, person), _analysis(pair.listed, person)
    if not q.tokens or not c.tokens:
        return 0.0
    return evaluate(q, c, Context(pair.kind, pair.kind))[0]


def reference_scores(pairs: list[Pair]) -> list[float] | None:
    """nomenklatura logic-v2 scores of the pairs, from its own venv; None when not installed."""
    python = os.environ.get("REFERENCE_PYTHON", "/work/refvenv/bin/python")
    if not Path(python).exists():
        return None
    payload = "\n".join(json.dumps([p.query, p.listed, p.kind]) for p in pairs)
    script = ROOT / "scripts" / "_reference_logic_v2.py"
    try:
        done = subprocess.run(
            [python, str(script)], input=payload, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"reference not scored: {exc}", file=sys.stderr)
        return None
    return [float(x) for x in done.stdout.split()]


# -- reporting ----------------------------------------------------------------------------------


def prf(scored: list[tuple[Pair, float]], threshold: float) -> tuple[float, float, float, int]:
    tp = sum(1 for p, s in scored if p.same and s >= threshold)
    fp = sum(1 for p, s in scored if not p.same and s >= threshold)
    pos = sum(1 for p, _ in scored if p.same)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / pos if pos else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0), len(scored)


def kind_rows(
    title: str, scored: list[tuple[Pair, float]], ref: dict[Pair, float] | None
) -> dict[str, object]:
    print(f"\n{title}")
    head = f"{'kind':<13}{'thr':>5}{'pairs':>7}{'P':>7}{'R':>7}{'F1':>7}"
    print(head + ("   ref thr  ref P  ref R ref F1" if ref else ""))
    out: dict[str, object] = {}
    for kind in KINDS:
        sub = [(p, s) for p, s in scored if p.kind == kind]
        if not sub:
            continue
        t = default_threshold(kind)
        p, r, f1, n = prf(sub, t)
        line = f"{kind:<13}{t:>5.2f}{n:>7}{p:>7.3f}{r:>7.3f}{f1:>7.3f}"
        out[kind] = {"threshold": t, "pairs": n, "p": p, "r": r, "f1": f1}
        if ref:
            rsub = [(pair, ref[pair]) for pair, _ in sub]
            rt = 0.7
            rp, rr, rf, _ = prf(rsub, rt)
            line += f"   {rt:>7.2f}{rp:>7.3f}{rr:>7.3f}{rf:>7.3f}"
        print(line)
    return out


def mode_rows(scored: list[tuple[Pair, float]], ref: dict[Pair, float] | None) -> None:
    print(
        f"\n{'failure mode (kind: share right at the kind threshold)':<62}{'n':>6}{'right':>7}"
        + ("    ref" if ref else "")
    )
    groups: dict[tuple[str, str], list[tuple[Pair, float]]] = defaultdict(list)
    for p, s in scored:
        groups[(p.kind, p.mode)].append((p, s))
    for (kind, mode), sub in sorted(groups.items()):
        t = default_threshold(kind)
        right = sum(1 for p, s in sub if (s >= t) == p.same) / len(sub)
        line = f"{kind[:6] + ' ' + mode:<62}{len(sub):>6}{right:>7.3f}"
        if ref:
            rright = sum(1 for p, _ in sub if (ref[p] >= 0.7) == p.same) / len(sub)
            line += f"{rright:>7.3f}"
        print(line)


def best_thresholds(
    title: str, scored: list[tuple[Pair, float]], ref: dict[Pair, float] | None
) -> None:
    """The F1 each scorer would reach at its best threshold, chosen with hindsight."""
    print(f"\n{title}")
    for kind in KINDS:
        sub = [(p, s) for p, s in scored if p.kind == kind]
        if not sub:
            continue
        cells = []
        for who, pairs in (("ours", sub), ("ref", [(p, ref[p]) for p, _ in sub] if ref else [])):
            if pairs:
                f1, t = max((prf(pairs, t / 100)[2], t / 100) for t in range(30, 100))
                cells.append(f"{who} {f1:.3f} at {t:.2f}")
        print(f"{kind:<13}" + "   ".join(cells))


def sweep(scored: list[tuple[Pair, float]]) -> None:
    print("\nthreshold sweep (development part): P/R/F1 per kind")
    for step in range(60, 100, 2):
        t = step / 100
        cells = []
        for kind in KINDS:
            sub = [(p, s) for p, s in scored if p.kind == kind]
            if sub:
                p, r, f1, _ = prf(sub, t)
                cells.append(f"{kind[:6]} {p:.3f}/{r:.3f}/{f1:.3f}")
        print(f"{t:.2f}  " + "  ".join(cells))


def seeds() -> None:
    print("\nseed cases (pair scores; the family-table cases are screened by the CLI, not here)")
    for query, listed, kind, same in SEEDS:
        s = score(Pair(query, listed, kind, same, "seed", "seed"))
        ok = (s >= default_threshold(kind)) == same
        want = "match" if same else "no match"
        print(f"  {'ok ' if ok else 'BAD'} {query!r} vs {listed!r}: {s:.3f} (want {want})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-mode", type=int, default=400, help="pairs sampled per kind and mode")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--sweep", action="store_true", help="print F1 over thresholds")
    ap.add_argument("--reference", action="store_true", help="score with nomenklatura too")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":  # set iteration order: the same pairs each run
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    parties = ofac_parties() + csl_parties() + un_bis_parties()
    pairs = list(positives(parties, rng, args.per_mode))
    pairs += list(negatives(parties, rng, args.per_mode))
    read_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    scored = [(p, score(p)) for p in pairs]
    score_s = time.perf_counter() - t0
    print(
        f"{len(parties)} parties, {len(pairs)} pairs ({sum(p.same for p in pairs)} same); "
        f"read {read_s:.1f} s, scored in {score_s:.1f} s "
        f"({score_s / max(len(pairs), 1) * 1000:.3f} ms a pair incl. analysis)"
    )
    ref: dict[Pair, float] | None = None
    if args.reference:
        t0 = time.perf_counter()
        got = reference_scores(pairs)
        if got is not None and len(got) == len(pairs):
            ref = dict(zip(pairs, got, strict=True))
            print(f"reference logic-v2 scored in {time.perf_counter() - t0:.1f} s")
    dev = [(p, s) for p, s in scored if not p.holdout]
    held = [(p, s) for p, s in scored if p.holdout]
    no_other = [(p, s) for p, s in scored if "other-name" not in p.mode]
    report = {
        "development": kind_rows("development part (70% of parties)", dev, ref),
        "holdout": kind_rows("held-out part (30% of parties)", held, ref),
        "all": kind_rows("all pairs", scored, ref),
        "no_other_name": kind_rows(
            "all pairs without the other-name aliases (sharing no word but legal forms)",
            no_other,
            ref,
        ),
    }
    mode_rows(scored, ref)
    best_thresholds("best threshold with hindsight, held-out part (F1 at threshold)", held, ref)
    if args.sweep:
        sweep(dev)
    seeds()
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
