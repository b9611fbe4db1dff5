"""Plain functions behind the ``grader`` survey commands; they return JSON-ready data."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

from surveys.backcheck import BackcheckSpec, OkRange, compare
from surveys.checks import CheckConfig, check_rows
from surveys.errorrates import report
from surveys.sampling import sample_spot_checks
from surveys.schema import Question, SheetError
from surveys.sheets import import_sheet, read_records

Path = str | os.PathLike[str]
Names = str | Iterable[str]
Extra = Iterable[Question | Mapping[str, Any]]


def check_file(path: Path, extra_questions: Extra = ()) -> list[dict[str, Any]]:
    """Check every row of a survey sheet: ``{"row", "candidate", "phone_e164", "valid", "flags"}``."""
    extra = tuple(extra_questions)
    rows = import_sheet(path, extra).rows
    return [result.to_dict() for result in check_rows(rows, CheckConfig(extra_questions=extra))]


def sample_file(path: Path, per_candidate: int = 5, seed: int | str = 0,
                extra_questions: Extra = ()) -> list[dict[str, Any]]:
    """Sample spot-check calls from a survey sheet, stratified per candidate."""
    if per_candidate < 1:
        raise SheetError("--per-candidate must be at least 1")
    extra = tuple(extra_questions)
    rows = import_sheet(path, extra).rows
    by_row = {row.row: row for row in rows}
    sample = sample_spot_checks(check_rows(rows, CheckConfig(extra_questions=extra)),
                                per_candidate, seed)
    return [check.to_dict() | {"name": by_row[check.row].values.get("name"),
                               "village": by_row[check.row].values.get("village")}
            for check in sample]


def names(value: Names | None) -> tuple[str, ...]:
    """Split 'a,b' strings (or lists of them) into a tuple of names."""
    if value is None:
        return ()
    parts = [value] if isinstance(value, str) else list(value)
    return tuple(name.strip() for part in parts for name in part.split(",") if name.strip())


def compare_files(survey_path: Path, bc_path: Path, id: str, enumerator: str | None = None,
                  enumteam: str | None = None, backchecker: str | None = None,
                  type1: Names = (), type2: Names = (), type3: Names = (),
                  okrange: Iterable[str] = (), exclude: Iterable[str] = (),
                  nodiff: Iterable[str] = (), lower: bool = False, upper: bool = False,
                  nosymbol: bool = False, trim: bool = False) -> dict[str, Any]:
    """Compare a survey sheet with its back-check sheet the way bcstats does."""
    ranges = [okrange] if isinstance(okrange, str) else list(okrange)
    spec = BackcheckSpec(
        id=id, enumerator=enumerator, enumteam=enumteam, backchecker=backchecker,
        type1=names(type1), type2=names(type2), type3=names(type3),
        okrange=tuple(OkRange.parse(text) for text in ranges),
        exclude=tuple(exclude), nodiff=tuple(nodiff),
        lower=lower, upper=upper, nosymbol=nosymbol, trim=trim)
    comparisons = compare(read_records(survey_path), read_records(bc_path), spec)
    return report(comparisons, spec)
