"""Benchmark the screenshot checker against the raw tesseract command, in one run.

    .venv/bin/python bench/bench_ocr.py [--n 20] [--seed 1] [--skip-raw]

Prints: the time of `tesseract IMG - -l chi_sim+eng` per image (as typed, and with
OMP_THREAD_LIMIT=1, i.e. one core like the checker), the checker's time per image with the
second tier included, their ratio (goal <= 1.25), images per second per CPU core, the share
of images that needed the second tier, how many verdicts the machine decided and whether
any was a wrong accept, and the duplicate look-up time at 1,000 / 10,000 / 100,000 entries.
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from uploads import ocr, synth  # noqa: E402
from uploads.checker import check_batch  # noqa: E402
from uploads.dupindex import DupIndex, content_key  # noqa: E402
from uploads.rules import rules_from_campaign  # noqa: E402

NOW = synth.DEMO_NOW


def cpu_seconds() -> float:
    """Return CPU time used by this process and its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def make_corpus(n: int, seed: int) -> list[synth.Sample]:
    """Return n uploads, half WeChat shares and half app downloads."""
    rng = random.Random(seed)
    half = n // 2
    return (synth.make_samples(rng, NOW, "wechat_share", n - half)
            + synth.make_samples(rng, NOW, "app_download", half))


def time_raw(paths: list[Path], env: dict) -> tuple[float, float]:
    """Run the raw tesseract command on every file; return wall and CPU seconds."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    for path in paths:
        subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim+eng"], env=env,
                       capture_output=True, check=True)
    return time.perf_counter() - wall, cpu_seconds() - cpu


def time_checker(corpus: list[synth.Sample]) -> tuple[float, float, list]:
    """Check the corpus as two candidates' sets; return wall, CPU seconds and verdicts."""
    ocr.rapid_engine()  # a worker builds the engine once; keep that out of per-image time
    ocr._cache.clear()
    wall, cpu = time.perf_counter(), cpu_seconds()
    verdicts = []
    for task in ("wechat_share", "app_download"):
        files = [(s.name, s.data) for s in corpus if s.task == task]
        rules = rules_from_campaign(synth.CAMPAIGN_2016, task)
        verdicts += check_batch(files, task, rules, NOW)
    return time.perf_counter() - wall, cpu_seconds() - cpu, verdicts


def decisions(corpus: list[synth.Sample], verdicts: list) -> dict:
    """Compare verdicts with the generator's truth."""
    truth = {s.name: s.expected for s in corpus}
    counts = Counter(v.verdict for v in verdicts)
    wrong_accepts = [v.file for v in verdicts if v.verdict == "accept"
                     and truth[v.file] == "reject"]
    wrong_rejects = [v.file for v in verdicts if v.verdict == "reject"
                     and truth[v.file] == "accept"]
    return {"counts": dict(counts), "decided": (counts["accept"] + counts["reject"]) / len(verdicts),
            "wrong_accepts": wrong_accepts, "wrong_rejects": wrong_rejects,
            "review": [(v.file, v.reasons) for v in verdicts if v.verdict == "review"]}


def bench_lookups(sizes: list[int], queries: int = 2000, seed: int = 3) -> None:
    """Print the mean duplicate look-up time at several index sizes."""
    rng = random.Random(seed)
    times = ["刚刚", "3小时前", "昨天18:40", "5月26日", "2016年5月27日09:12", "3天前"]
    index, added = DupIndex(), 0

    def entry() -> str:
        return content_key({"id": synth.random_nickname(rng), "time": rng.choice(times),
                            "clock": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"})
    for size in sizes:
        for i in range(added, size):
            index.add(f"item-{i}", f"{i:064x}", f"{rng.getrandbits(64):016x}", entry())
        added = size
        probes = [(f"{rng.getrandbits(256):064x}", f"{rng.getrandbits(64):016x}", entry())
                  for _ in range(queries)]
        start = time.perf_counter()
        hits = sum(index.find(*probe) is not None for probe in probes)
        per = (time.perf_counter() - start) / queries
        print(f"  lookup at {size:>7,} entries: {per * 1e6:7.1f} µs  ({hits} of {queries} "
              "random probes matched an entry)")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-raw", action="store_true")
    parser.add_argument("--lookup-sizes", default="1000,10000,100000")
    args = parser.parse_args()
    corpus = make_corpus(args.n, args.seed)
    print(f"{len(corpus)} generated screenshots (mixed sizes, light/dark, PNG/JPEG), "
          f"{os.cpu_count()} cores")
    wall, cpu, verdicts = time_checker(corpus)
    tier2 = sum(v.tier == 2 for v in verdicts) / len(verdicts)
    print(f"checker:        {wall / len(corpus):.3f} s/image wall, {cpu / len(corpus):.3f} "
          f"CPU-s/image -> {len(corpus) / cpu:.2f} images/s/core; tier 2 on {tier2:.0%}")
    if not args.skip_raw:
        print_raw(corpus, wall)
    print_decisions(decisions(corpus, verdicts))
    bench_lookups([int(s) for s in args.lookup_sizes.split(",")])


def print_raw(corpus: list[synth.Sample], checker_wall: float) -> None:
    """Time the raw command both ways and print the ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for s in corpus:
            path = Path(tmp) / (s.name + (".jpg" if s.data[:2] == b"\xff\xd8" else ".png"))
            path.write_bytes(s.data)
            paths.append(path)
        for label, env in (("as typed", dict(os.environ)),
                           ("OMP_THREAD_LIMIT=1", {**os.environ, "OMP_THREAD_LIMIT": "1"})):
            wall, cpu = time_raw(paths, env)
            print(f"raw tesseract ({label}): {wall / len(paths):.3f} s/image wall, "
                  f"{cpu / len(paths):.3f} CPU-s/image; checker/raw = "
                  f"{checker_wall / wall:.2f} (goal <= 1.25)")


def print_decisions(result: dict) -> None:
    """Print how many verdicts the machine decided and any mistakes."""
    print(f"verdicts: {result['counts']}; machine-decided {result['decided']:.0%}; "
          f"wrong accepts {len(result['wrong_accepts'])}; wrong rejects "
          f"{len(result['wrong_rejects'])}")
    for name in result["wrong_accepts"] + result["wrong_rejects"]:
        print(f"  MISTAKE {name}")
    for name, reasons in result["review"]:
        print(f"  review {name}: {', '.join(reasons)}")


if __name__ == "__main__":
    main()
