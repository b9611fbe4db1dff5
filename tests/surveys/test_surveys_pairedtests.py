import math

import pytest

from surveys.pairedtests import average_ranks, betainc, paired_ttest, signrank, t_sf


def t_sf_by_simpson(t, df, steps=20000):
    """Integrate Student's t density from t to a far cut-off (independent check)."""
    const = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def density(x):
        return const * (1 + x * x / df) ** (-(df + 1) / 2)
    upper = t + 400.0
    h = (upper - t) / steps
    total = density(t) + density(upper)
    total += sum((4 if i % 2 else 2) * density(t + i * h) for i in range(1, steps))
    return total * h / 3


@pytest.mark.parametrize(("t", "df"), [(0.5, 3), (1.0, 6), (2.0655911, 6), (2.5, 30), (4.0, 2)])
def test_t_tail_matches_integration(t, df):
    assert t_sf(t, df) == pytest.approx(t_sf_by_simpson(t, df), abs=2e-5)


def test_known_t_values():
    assert 2 * t_sf(2.228, 10) == pytest.approx(0.05, abs=1e-4)  # the table's t(0.975, 10)
    assert 2 * t_sf(0.0, 5) == pytest.approx(1.0)
    assert betainc(2, 3, 0) == 0 and betainc(2, 3, 1) == 1
    assert betainc(1, 1, 0.3) == pytest.approx(0.3)


def test_paired_ttest_edge_cases():
    assert paired_ttest([])["t"] is None
    one = paired_ttest([(3, 1)])
    assert one["diff"] == 2 and one["t"] is None
    constant = paired_ttest([(3, 1), (5, 3)])
    assert constant["sd_diff"] == 0 and constant["p"] is None
    spread = paired_ttest([(1, 2), (2, 2), (3, 2)])
    assert spread["t"] == pytest.approx(0.0) and spread["p"] == pytest.approx(1.0)


def test_average_ranks():
    assert average_ranks([3, 1, 3, 2]) == [3.5, 1, 3.5, 2]


def test_signrank_with_ties_and_zeros():
    # d = 2, -1, 0, 2, -2: |d| ranks 0->1, 1->2, 2->4 (three tied: ranks 3,4,5)
    result = signrank([(4, 2), (1, 2), (5, 5), (6, 4), (1, 3)])
    assert (result["n_pos"], result["n_neg"], result["n_tie"]) == (2, 2, 1)
    assert (result["sum_pos"], result["sum_neg"]) == (8, 6)
    assert result["expected"] == (15 - 1) / 2
    assert result["variance"] == pytest.approx(5 * 6 * 11 / 24 - 1 * 2 * 3 / 24 - 3 * 8 / 48)
    assert result["z"] == pytest.approx(1 / math.sqrt(result["variance"]))
    assert signrank([(1, 1), (2, 2)])["z"] is None
