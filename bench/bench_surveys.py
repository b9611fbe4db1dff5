"""Benchmark survey checks and spot-check sampling against phonenumbers.parse in the same run.

Run as ``python bench/bench_surveys.py [--candidates N] [--forms N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import phonenumbers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys import check_rows, import_sheet, sample_spot_checks  # noqa: E402
from surveys.phones import phone_info  # noqa: E402

MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "155", "156", "157", "158", "159", "166", "170", "171", "173", "176",
                   "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189",
                   "191", "198", "199")
AREA_CODES = ("0372", "0373", "0379", "0391", "0394", "0396")  # Henan, 7-digit locals
VILLAGES = ("王庄村", "李寨村", "张营村", "刘楼村", "赵庄村", "孙店村", "周湾村", "吴岗村")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
HEADER = ["报名编号", "户主姓名", "联系电话", "村组", "家庭人口", "是否网购", "调研日期"]


def make_phone(rng: random.Random) -> str:
    """Return a phone number as villagers write them: mostly mobiles, some landlines, some bad."""
    roll = rng.random()
    if roll < 0.03:  # a digit short, or a made-up prefix
        return rng.choice(["1381234567"[:10], "12" + str(rng.randrange(10**9, 10**10))])
    if roll < 0.12:
        local = rng.randrange(2, 9) * 10**7 + rng.randrange(10**7)  # Zhengzhou: 8 digits
        return f"0371-{local}" if roll < 0.08 else f"{rng.choice(AREA_CODES)}-{local // 10}"
    number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    if roll < 0.17:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return "+86 " + number if roll < 0.19 else number


def make_forms(rng: random.Random, candidates: int, forms: int) -> list[list[str]]:
    """Return forms for each candidate; about 2% repeat a number, 1% reuse another's number."""
    rows: list[list[str]] = []
    start = datetime(2016, 5, 25, 8, 0)
    for c in range(candidates):
        moment = start + timedelta(minutes=rng.randrange(0, 600))
        own: list[str] = []
        for _ in range(forms):
            roll = rng.random()
            if own and roll < 0.02:
                phone = rng.choice(own)
            elif rows and roll < 0.03:
                phone = rng.choice(rows)[2]
            else:
                phone = make_phone(rng)
            own.append(phone)
            moment += timedelta(minutes=rng.randint(3, 90))
            rows.append([f"C{c:04d}", rng.choice(SURNAMES) + rng.choice(GIVEN),
                         phone, rng.choice(VILLAGES) + f"{rng.randint(1, 9)}组",
                         str(rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7]) if rng.random() > 0.005 else 25),
                         rng.choice(["是", "否"]), moment.strftime("%Y-%m-%d %H:%M")])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    """Return the forms as a UTF-8 CSV with the template's Chinese headers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def timed(fn, *args):
    """Return (seconds, result) of one call."""
    began = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - began, result


def floor_loop(phones: list[str]) -> int:
    """Parse every number with phonenumbers.parse, as a plain loop would (the floor)."""
    parsed = 0
    for raw in phones:
        try:
            phonenumbers.parse(raw, "CN")
            parsed += 1
        except phonenumbers.NumberParseException:
            pass
    return parsed


def main() -> None:
    """Generate the forms, then time import, checks, the floor and sampling."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=600)
    parser.add_argument("--forms", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    rows = make_forms(random.Random(args.seed), args.candidates, args.forms)
    n = len(rows)
    data = to_csv(rows)
    t_import, imported = timed(import_sheet, data)
    t_floor, _ = timed(floor_loop, [row[2] for row in rows])
    t_warm, _ = timed(check_rows, imported.rows)  # numbers already parsed by the import
    phone_info.cache_clear()
    t_check, results = timed(check_rows, imported.rows)
    t_sample, sample = timed(sample_spot_checks, results, 5, args.seed)
    invalid = sum(not r.valid for r in results)
    print(f"import_sheet: {n} rows ({len(data) / 1e6:.1f} MB CSV) in {t_import:.2f} s "
          f"({n / t_import:,.0f} rows/s)")
    print(f"check_rows (cold phone cache): {n} rows in {t_check:.2f} s ({n / t_check:,.0f} rows/s; "
          f"{invalid} invalid)")
    print(f"  floor: plain loop of phonenumbers.parse on the same numbers: {t_floor:.2f} s "
          f"({n / t_floor:,.0f} rows/s) -> ratio {t_check / t_floor:.2f}x")
    print(f"  check_rows right after the import (numbers cached): {t_warm:.2f} s "
          f"({n / t_warm:,.0f} rows/s) -> ratio {t_warm / t_floor:.2f}x")
    print(f"sample_spot_checks: {len(sample)} calls for {args.candidates} candidates "
          f"in {t_sample * 1000:.0f} ms")


if __name__ == "__main__":
    main()
