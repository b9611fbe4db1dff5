"""Benchmark the scoring engine against baselines measured in the same run.

Run as ``python bench/bench_scoring.py [--candidates N] [--plans N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from scoring import rank_facts, shared_passages, similar_pairs  # noqa: E402

SHANGHAI = timezone(timedelta(hours=8))
START = datetime(2016, 5, 25, tzinfo=SHANGHAI)
END = datetime(2016, 5, 31, tzinfo=SHANGHAI)
TASKS = {"wechat_share": 100, "survey": 100, "plan": 1, "app_download": 100}
# Common characters for generated plans; repeats are what make char n-grams realistic.
HANZI = ("农村淘宝合伙人项目计划书我的村镇电商服务站点代购代销物流快递网店农产品上行下行"
         "村民手机支付宝培训推广微信朋友圈销售订单县乡镇政府支持创业贷款装修补贴货品"
         "目标市场分析客户需求竞争优势风险管理资金预算人员安排时间进度宣传活动营销渠道")


def make_task(rng: random.Random, required: int) -> dict:
    """Return one task's facts: usually complete, sometimes short."""
    accepted = required if rng.random() < 0.8 else rng.randint(0, required)
    done = START + timedelta(seconds=rng.randint(3600, 6 * 86400)) if accepted >= required else None
    return {"accepted": accepted, "required": required,
            "completed_at": done.isoformat() if done else None}


def make_candidate(rng: random.Random, i: int, reviewers: int) -> dict:
    """Return one round-1 candidate's facts."""
    confirmed = rng.randint(0, 5)
    return {
        "id": f"C{i:06d}",
        "registered_at": (datetime(2016, 5, 3, tzinfo=SHANGHAI)
                          + timedelta(seconds=rng.randint(0, 15 * 86400))).isoformat(),
        "tasks": {name: make_task(rng, req) for name, req in TASKS.items()},
        "plan_reviews": [{"reviewer": f"R{rng.randrange(reviewers):02d}",
                          "score": rng.randint(40, 98)} for _ in range(rng.randint(1, 2))],
        "survey_valid": rng.randint(60, 100),
        "spot_checks": {"confirmed": confirmed, "denied": rng.randint(0, 2),
                        "wrong_number": rng.randint(0, 1), "unreachable": rng.randint(0, 2),
                        "refused": 0},
    }


def make_facts(n: int, seed: int) -> dict:
    """Return round-1 facts for n candidates."""
    rng = random.Random(seed)
    return {"round": 1, "window": {"start": START.isoformat(), "end": END.isoformat()},
            "advance": max(1, n * 2 // 3),
            "candidates": [make_candidate(rng, i, 40) for i in range(n)]}


def make_words(rng: random.Random, n: int = 3000) -> list[str]:
    """Return a vocabulary of 2- to 4-character words."""
    return ["".join(rng.choice(HANZI) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def make_plan(rng: random.Random, words: list[str], length: int) -> str:
    """Return one plan: sentences of Zipf-distributed words plus the plan's own words."""
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    own = rng.sample(words, 60)
    parts: list[str] = []
    size = 0
    while size < length:
        picks = rng.choices(words, cum_weights=weights, k=rng.randint(3, 8))
        sentence = "".join(picks + rng.sample(own, 3)) + "。"
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:length]


def make_plans(n: int, seed: int, length: int = 2000) -> dict[str, str]:
    """Return n plans of length characters; every tenth is a light edit of an earlier one."""
    rng = random.Random(seed)
    words = make_words(rng)
    plans: dict[str, str] = {}
    for i in range(n):
        if i % 10 == 9:
            source = list(plans[f"P{rng.randrange(i):04d}"])
            for _ in range(length // 20):  # change 5% of the characters
                source[rng.randrange(len(source))] = rng.choice(HANZI)
            plans[f"P{i:04d}"] = "".join(source)
        else:
            plans[f"P{i:04d}"] = make_plan(rng, words, length)
    return plans


def timed(fn, *args):
    """Return (seconds, result) of one call."""
    began = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - began, result


def bench_ranking(n: int, seed: int) -> None:
    """Time rank_facts against json.loads and a plain sorted() of the same candidates."""
    facts = make_facts(n, seed)
    text = json.dumps(facts, ensure_ascii=False)
    t_json, loaded = timed(json.loads, text)
    keyed = [(c["survey_valid"], c["registered_at"], c["id"]) for c in loaded["candidates"]]
    t_sort, _ = timed(sorted, keyed)
    t_rank, result = timed(rank_facts, loaded)
    advancing = sum(row["advance"] for row in result["ranking"])
    print(f"rank_facts: {n} candidates in {t_rank:.2f} s "
          f"({t_rank / n * 1e6:.1f} µs each; {advancing} advance)")
    print(f"  baseline json.loads of the facts ({len(text) / 1e6:.1f} MB): {t_json:.2f} s "
          f"-> ratio {t_rank / t_json:.1f}x")
    print(f"  baseline sorted() by a precomputed key: {t_sort:.3f} s "
          f"-> ratio {t_rank / t_sort:.0f}x")


def bench_similarity(n: int, seed: int) -> None:
    """Time similar_pairs against extracting the same character n-grams alone."""
    plans = make_plans(n, seed)
    analyse = TfidfVectorizer(analyzer="char", ngram_range=(2, 4),
                              lowercase=False).build_analyzer()
    t_grams, _ = timed(lambda: [analyse(text) for text in plans.values()])
    t_pairs, pairs = timed(similar_pairs, plans)
    print(f"similar_pairs: {n} plans of ~2000 characters in {t_pairs:.2f} s, "
          f"{len(pairs)} pairs >= 0.6 ({n // 10} planted edits; copies of copies pair too)")
    print(f"  baseline n-gram extraction alone: {t_grams:.2f} s -> ratio {t_pairs / t_grams:.1f}x")
    t_side, found = timed(lambda: [shared_passages(plans[p.a], plans[p.b]) for p in pairs])
    longest = max((ps[0].size for ps in found if ps), default=0)
    print(f"shared_passages: {len(pairs)} pairs in {t_side:.2f} s "
          f"({t_side / max(1, len(pairs)) * 1000:.0f} ms each; longest passage {longest} chars)")


def main() -> None:
    """Parse arguments and run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    bench_ranking(args.candidates, args.seed)
    bench_similarity(args.plans, args.seed)


if __name__ == "__main__":
    main()
