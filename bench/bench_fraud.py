"""Benchmark the checker on honest and traded-fraud WeChat shares, and its time per image.

    .venv/bin/python bench/bench_fraud.py [--per-kind 8] [--seed 1] [--skip-raw]
    .venv/bin/python bench/bench_fraud.py --per-kind 1 --seeds 200-299 --jpeg-edits --skip-raw

Generates labelled shares (uploads/synth_fraud.py: honest phone photos, 540x960, banners,
long screenshots, dark mode; nickname swaps, patched post times, re-uploads with an
unreadable name), checks them as the job does (one shared index across candidates, one
set per candidate) and prints per kind: accepted, rejected, sent to review, and for
frauds how many were caught (`--seeds A-B`: a line a seed and the totals; `--jpeg-edits`:
every edited post time saved as a JPEG). Then the checker's time per image against the raw
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
    """Print the mistakes, per kind what the checker decided, and the overall shares."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for shot, v in zip(shots, verdicts, strict=True):
        table[shot.kind][v.verdict] += 1
    print_mistakes(shots, verdicts)
    print(f"{'kind':16} {'n':>3} {'accepted':>9} {'rejected':>9} {'review':>7} {'caught':>7}")
    for kind, counts in table.items():
        n = sum(counts.values())
        fraud = kind in synth_fraud.FRAUD_KINDS
        caught = f"{n - counts['accept']}/{n}" if fraud else "-"
        print(f"{kind:16} {n:3} {counts['accept']:9} {counts['reject']:9} "
              f"{counts['review']:7} {caught:>7}")
    print(summary(tally(shots, verdicts)))


def print_mistakes(shots: list[synth_fraud.Shot], verdicts: list[Verdict]) -> None:
    """Print each honest shot not accepted and each fraud accepted, with its reasons."""
    for shot, v in zip(shots, verdicts, strict=True):
        if v.verdict != "accept" and shot.expected == "accept" or (
                shot.expected == "reject" and v.verdict == "accept"):
            print(f"  {shot.kind:16} {shot.name:20} {v.verdict:6} {', '.join(v.reasons)}")


def tally(shots: list[synth_fraud.Shot], verdicts: list[Verdict]) -> Counter[str]:
    """Count frauds accepted, honest shots rejected and shots sent to review."""
    out: Counter[str] = Counter()
    for shot, v in zip(shots, verdicts, strict=True):
        out["shots"] += 1
        out["honest"] += shot.expected == "accept"
        out["frauds accepted"] += shot.expected == "reject" and v.verdict == "accept"
        out["honest rejected"] += shot.expected == "accept" and v.verdict == "reject"
        out["review"] += v.verdict == "review"
        out["honest review"] += shot.expected == "accept" and v.verdict == "review"
    return out


def summary(t: Counter[str]) -> str:
    """Return the overall shares as one line."""
    return (f"frauds accepted: {t['frauds accepted']}; honest rejected: "
            f"{t['honest rejected']}/{t['honest']} (goal <= 1 in 25); sent to review: "
            f"{t['review']}/{t['shots']} (goal <= 12%; honest {t['honest review']})")


def seeds_of(args: argparse.Namespace) -> list[int]:
    """Return the seeds to run: --seeds A-B, else the one --seed."""
    if not args.seeds:
        return [args.seed]
    low, _, high = args.seeds.partition("-")
    return list(range(int(low), int(high or low) + 1))


def main() -> None:
    """Generate, check, time and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", help="a range of seeds, e.g. 200-299 (one line a seed)")
    parser.add_argument("--jpeg-edits", action="store_true",
                        help="save every edited post time as a JPEG")
    parser.add_argument("--skip-raw", action="store_true")
    args = parser.parse_args()
    rules = rules_from_campaign(synth.CAMPAIGN_2016, "wechat_share")
    assert rules.window_start is not None
    seeds, total, wall, shots = seeds_of(args), Counter[str](), 0.0, []
    for seed in seeds:
        shots = synth_fraud.make_corpus(random.Random(seed), NOW, rules.window_start,
                                        args.per_kind, args.jpeg_edits)
        took, verdicts = run_checker(shots)
        wall += took
        if len(seeds) == 1:
            report(shots, verdicts)
        else:
            print_mistakes(shots, verdicts)
            print(f"seed {seed}: {summary(tally(shots, verdicts))}", flush=True)
        total += tally(shots, verdicts)
    if len(seeds) > 1:
        print(f"seeds {args.seeds}: {summary(total)}")
    shots_n = total["shots"]
    print(f"checker: {wall / shots_n:.3f} s/image wall ({shots_n} images)")
    if not args.skip_raw:  # the last seed's images, timed against the checker on them
        raw = time_raw(shots)
        took = wall if len(seeds) == 1 else run_checker(shots)[0]
        print(f"raw tesseract -l chi_sim+eng, OMP_THREAD_LIMIT=1: {raw / len(shots):.3f} "
              f"s/image; checker/raw = {took / raw:.2f} (goal <= 1.1)")


if __name__ == "__main__":
    main()
