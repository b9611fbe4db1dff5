"""Error rates and the JSON report of a back-check comparison (bcstats semantics)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Sequence

from surveys.backcheck import BackcheckSpec, Comparison, order_key
from surveys.pairedtests import paired_ttest, signrank

Group = Callable[[Comparison], str | None]
GROUPS: dict[str, Group] = {
    "enumerator": lambda c: c.enumerator,
    "enumteam": lambda c: c.enumteam,
    "backchecker": lambda c: c.backchecker,
    "variable": lambda c: c.variable,
    "id": lambda c: c.id,
}


def error_rates(comparisons: Sequence[Comparison], group: Group,
                kind: int) -> list[dict[str, Any]]:
    """Return every group's differences, total and rate for one type, worst first."""
    counts: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for comparison in comparisons:
        if comparison.type == kind:
            tally = counts[group(comparison)]
            tally[0] += comparison.diff
            tally[1] += 1
    key = order_key(list(counts))
    rows = [{"group": g, "differences": d, "total": t, "error_rate": d / t}
            for g, (d, t) in counts.items()]
    return sorted(rows, key=lambda r: (-r["error_rate"], -r["total"], key(r["group"])))


def _tables(comparisons: Sequence[Comparison], name: str,
            kinds: list[int]) -> dict[str, list[dict[str, Any]]]:
    return {str(kind): error_rates(comparisons, GROUPS[name], kind) for kind in kinds}


def stability_tests(comparisons: Sequence[Comparison],
                    spec: BackcheckSpec) -> dict[str, list[dict[str, Any]]]:
    """Return the paired t-test and signed-rank test of every numeric type 2/3 variable."""
    tests: dict[str, list[dict[str, Any]]] = {"ttest": [], "signrank": []}
    for variable, kind in spec.variables():
        rows = [c for c in comparisons if c.variable == variable]
        if kind == 1 or not rows or not rows[0].numeric:
            continue
        pairs = [c.pair for c in rows if c.pair is not None]
        head = {"variable": variable, "type": kind}
        tests["ttest"].append(head | paired_ttest(pairs))
        tests["signrank"].append(head | signrank(pairs))
    return tests


def report(comparisons: Sequence[Comparison], spec: BackcheckSpec) -> dict[str, Any]:
    """Return the ``grader backcheck compare`` JSON: differences, error rates, tests."""
    kinds = sorted({kind for _, kind in spec.variables()})
    admin = [kind for kind in kinds if kind in (1, 2)]
    columns = {"enumerator": spec.enumerator, "enumteam": spec.enumteam,
               "backchecker": spec.backchecker}
    rates = {name: _tables(comparisons, name, admin) if column else {}
             for name, column in columns.items()}
    rates["variable"] = _tables(comparisons, "variable", kinds)
    rates["id"] = _tables(comparisons, "id", admin)
    return {"differences": [c.to_dict() for c in comparisons if c.diff],
            "error_rates": rates,
            "tests": stability_tests(comparisons, spec)}

