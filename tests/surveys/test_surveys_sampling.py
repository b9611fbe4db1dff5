import random
from collections import Counter

import pytest

from surveys import (RowResult, SheetError, all_questions, draw_order, extra_calls_needed,
                     next_replacement, parse_record, sample_spot_checks, spot_check_pool)


def result(row, candidate, number, valid=True):
    return RowResult(row, candidate, number, valid, () if valid else ("x",), ())


def cohort(sizes):
    """Return results for candidates C0.. with the given pool sizes (distinct numbers)."""
    rows, n = [], 2
    for c, size in enumerate(sizes):
        for i in range(size):
            rows.append(result(n, f"C{c}", f"+86139{c:04d}{i:04d}"))
            n += 1
    return rows


def keyed(sample):
    return [(s.candidate, s.row, s.phone_e164, s.draw) for s in sample]


def test_same_seed_same_sample_and_input_order_does_not_matter():
    rows = cohort([12, 30, 7])
    first = sample_spot_checks(rows, 5, seed=2016)
    assert keyed(sample_spot_checks(rows, 5, seed=2016)) == keyed(first)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    assert keyed(sample_spot_checks(shuffled, 5, seed=2016)) == keyed(first)
    assert keyed(sample_spot_checks(rows, 5, seed=2017)) != keyed(first)
    assert keyed(sample_spot_checks(rows, 5, seed="2016")) == keyed(first)


def test_candidates_are_independent():
    rows = cohort([12, 30])
    alone = [s for s in sample_spot_checks(rows, 5, seed=9) if s.candidate == "C0"]
    more = cohort([12, 30, 50])
    together = [s for s in sample_spot_checks(more, 5, seed=9) if s.candidate == "C0"]
    assert keyed(alone) == keyed(together)


def test_stratified_min_of_k_and_pool():
    rows = cohort([12, 5, 3, 0, 1])
    counts = Counter(s.candidate for s in sample_spot_checks(rows, 5, seed=3))
    assert counts == {"C0": 5, "C1": 5, "C2": 3, "C4": 1}
    assert all(s.draw <= 5 for s in sample_spot_checks(rows, 5, seed=3))


def test_pool_takes_valid_numbers_once_per_candidate():
    rows = [result(2, "C1", "+8613800000001"), result(3, "C1", "+8613800000001", valid=False),
            result(4, "C1", None, valid=False), result(5, "C2", "+8613800000001"),
            result(6, "C1", "+8613800000002", valid=False), result(7, None, "+8613800000003")]
    pool = spot_check_pool(rows)
    assert {c: [r.row for r in rs] for c, rs in pool.items()} == {"C1": [2, 6], "C2": [5]}
    # the lowest row stands for a repeated number whatever the input order
    assert [r.row for r in spot_check_pool(rows[::-1])["C1"]] == [2, 6]


def test_sampling_straight_from_parsed_rows():
    questions = all_questions()
    rows = [parse_record(i + 2, {"candidate": "C1", "name": "张三", "phone": phone,
                                 "village": "王庄村", "household_size": "4", "shops_online": "是",
                                 "surveyed_at": "2016-05-26"}, questions)
            for i, phone in enumerate(["13800138000", "138 0013 8000", "12345", "13900139000"])]
    sample = sample_spot_checks(rows, 5, seed=1)
    assert sorted(s.phone_e164 for s in sample) == ["+8613800138000", "+8613900139000"]


def test_uniform_over_seeds():
    rows = cohort([10])
    counts = Counter(s.phone_e164 for seed in range(2000)
                     for s in sample_spot_checks(rows, 3, seed=seed))
    expected = 2000 * 3 / 10
    chi2 = sum((counts[r.phone_e164] - expected) ** 2 / expected for r in rows)
    assert len(counts) == 10
    assert chi2 < 35  # 9 degrees of freedom: p < 1e-4 beyond this


def test_first_draw_position_is_uniform():
    rows = cohort([4])
    firsts = Counter(draw_order(spot_check_pool(rows)["C0"], "C0", seed)[0].row
                     for seed in range(4000))
    assert all(abs(count - 1000) < 130 for count in firsts.values())


def test_replacement_is_the_next_draw():
    rows = cohort([8])
    order = draw_order(spot_check_pool(rows)["C0"], "C0", 42)
    sample = sample_spot_checks(rows, 5, seed=42)
    assert keyed(sample) == keyed(order[:5])
    taken = [s.phone_e164 for s in sample]
    first = next_replacement(rows, "C0", 42, taken)
    assert first == order[5] and first.draw == 6
    second = next_replacement(rows[::-1], "C0", 42, taken + [first.phone_e164])
    assert second == order[6]
    assert next_replacement(rows, "C0", 42, [s.phone_e164 for s in order]) is None
    assert next_replacement(rows, "C9", 42, []) is None


def test_extra_calls_when_denied_share_passes_threshold():
    outcomes = {
        "C1": ["confirmed", "confirmed", "denied", "denied", "unreachable"],  # 2/4 = 0.5
        "C2": ["confirmed", "confirmed", "confirmed", "denied", "refused"],  # 1/4
        "C3": ["confirmed", "wrong_number", "denied", "unreachable"],  # 2/3
        "C4": ["unreachable", "refused"],  # nobody reached
        "C5": ["confirmed", "confirmed", "confirmed", "denied", "wrong_number"],  # 2/5 = 0.4
    }
    assert extra_calls_needed(outcomes) == {"C1": 5, "C3": 5}
    assert extra_calls_needed(outcomes, threshold=0.2, extra=3) == {"C1": 3, "C2": 3, "C3": 3,
                                                                   "C5": 3}
    assert extra_calls_needed(outcomes, counted=("denied",)) == {"C1": 5}


def test_negative_k_is_refused():
    with pytest.raises(SheetError):
        sample_spot_checks(cohort([3]), -1, seed=1)
