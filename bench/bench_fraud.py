"""Benchmark the checker on honest and traded-fraud WeChat shares, and its time per image.

    .venv/bin/python bench/bench_fraud.py [--per-kind 8] [--seed 1] [--skip-raw]

Generates labelled shares (uploads/synth_fraud.py: honest phone photos, 540x960, banners,
long screenshots, dark mode; nickname swaps, patched post times, re-uploads with an
unreadable name), checks them as the job does (one shared index across candidates, one
set per candidate) and prints per kind: accepted, rejected, sent to review, and for
frauds how many were caught. Then the checker's time per image against the raw
`tesseract IMG - -l chi_sim+eng` command on one core (OMP_THREAD_LIMIT=1), same images.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from uploads import ocr, synth, synth_fraud  # noqa: E402
from uploads.checker import BatchState, Verdict, check_screenshot  # noqa: E402
from uploads.dupindex import DupIndex  # noqa: E402
from uploads.rules import rules_from_campaign  # noqa: E402

NOW = synth.DEMO_NOW


def run_checker(shots: list[synth_fraud.Shot]) -> tuple[float, list[Verdict]]:
    """Check every shot in order as the job would; return wall seconds and verdicts."""
    rules = rules_from_campaign(synth.CAMPAIGN_2016, "wechat_share")
    ocr.rapid_engine()  # a worker builds the engine once; keep that out of per-image time
    ocr._cache.clear()
    shared, sets = DupIndex(), defaultdict(BatchState)
    verdicts = []
    start = time.perf_counter()
    for shot in shots:
        v = check_screenshot(shot.data, "wechat_share", rules, NOW, shared,
                             sets[shot.candidate], shot.name)
        if v.phash and v.sha256:
            shared.add(shot.name, v.sha256, v.phash, v.content_key, v.grid)
        verdicts.append(v)
    return time.perf_counter() - start, verdicts


def time_raw(shots: list[synth_fraud.Shot]) -> float:
    """Run the raw tesseract command on one core on every shot; return wall seconds."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for shot in shots:
            path = Path(tmp) / (shot.name + (".jpg" if shot.data[:2] == b"\xff\xd8" else ".png"))
            path.write_bytes(shot.data)
            paths.append(path)
        start = time.perf_counter()
        for path in paths:
            subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim+eng"], env=env,
                           capture_output=True, check=True)
        return time.perf_counter() - start


def report(shots: list[synth_fraud.Shot], verdicts: list[Verdict]) -> None:
    """Print per kind what the checker decided, and the overall shares."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for shot, v in zip(shots, verdicts, strict=True):
        table[shot.kind][v.verdict] += 1
        if v.verdict != "accept" and shot.expected == "accept" or (
                shot.expected == "reject" and v.verdict == "accept"):
            print(f"  {shot.kind:16} {shot.name:20} {v.verdict:6} {', '.join(v.reasons)}")
    print(f"{'kind':16} {'n':>3} {'accepted':>9} {'rejected':>9} {'review':>7} {'caught':>7}")
    for kind, counts in table.items():
        n = sum(counts.values())
        fraud = kind in synth_fraud.FRAUD_KINDS
        caught = f"{n - counts['accept']}/{n}" if fraud else "-"
        print(f"{kind:16} {n:3} {counts['accept']:9} {counts['reject']:9} "
              f"{counts['review']:7} {caught:>7}")
    honest = [v for s, v in zip(shots, verdicts, strict=True) if s.expected == "accept"]
    frauds_accepted = sum(v.verdict == "accept" for s, v in zip(shots, verdicts, strict=True)
                          if s.expected == "reject")
    print(f"frauds accepted: {frauds_accepted}; honest rejected: "
          f"{sum(v.verdict == 'reject' for v in honest)}/{len(honest)} (goal <= 1 in 25); "
          f"sent to review: {sum(v.verdict == 'review' for v in verdicts)}/{len(verdicts)} "
          f"(goal <= 12%)")


def main() -> None:
    """Generate, check, time and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-raw", action="store_true")
    args = parser.parse_args()
    rules = rules_from_campaign(synth.CAMPAIGN_2016, "wechat_share")
    assert rules.window_start is not None
    shots = synth_fraud.make_corpus(random.Random(args.seed), NOW, rules.window_start,
                                    args.per_kind)
    wall, verdicts = run_checker(shots)
    report(shots, verdicts)
    print(f"checker: {wall / len(shots):.3f} s/image wall ({len(shots)} images)")
    if not args.skip_raw:
        raw = time_raw(shots)
        print(f"raw tesseract -l chi_sim+eng, OMP_THREAD_LIMIT=1: {raw / len(shots):.3f} "
              f"s/image; checker/raw = {wall / raw:.2f} (goal <= 1.1)")


if __name__ == "__main__":
    main()
