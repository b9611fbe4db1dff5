"""Back-check comparison with the semantics of IPA's Stata command bcstats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from surveys.schema import SheetError

Record = Mapping[str, str]
MISSING = ("", ".")
SYMBOLS = ".,!?'/;:()`~@#$%^&*-_=+[]{}\\|<>\""
_SYMBOL_TABLE = str.maketrans({symbol: " " for symbol in SYMBOLS})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RANGE = re.compile(r"\s*([^\s=\[]+)\s*=?\s*\[\s*([^,\]]+?)\s*,\s*([^,\]]+?)\s*\]\s*")


def is_number(text: str) -> bool:
    """Return True for text that reads as a finite number."""
    return bool(_NUMBER.fullmatch(text))


@dataclass(frozen=True)
class OkRange:
    """A tolerance window [low, high] around the survey value; open at both ends."""

    variable: str
    low: float
    high: float
    relative: bool = False

    @classmethod
    def parse(cls, text: str) -> OkRange:
        """Parse 'V=[-1,1]' or 'V=[-5%,5%]' (also bcstats' 'V [-1, 1]')."""
        match = _RANGE.fullmatch(text)
        if not match:
            raise SheetError(f"okrange {text!r}: expected VAR=[MIN,MAX] or VAR=[MIN%,MAX%]")
        (low, low_pct), (high, high_pct) = _endpoint(match[2], text), _endpoint(match[3], text)
        if low_pct != high_pct:
            raise SheetError(f"okrange {text!r}: endpoints must be both absolute or both %")
        if low > high:
            raise SheetError(f"okrange {text!r}: minimum greater than maximum")
        if low > 0 or high < 0:
            raise SheetError(f"okrange {text!r}: the range must include 0")
        return cls(match[1], low, high, low_pct)

    def outside(self, survey: float | None, back_check: float | None) -> bool:
        """Return True when the back-check value is not strictly inside the window."""
        if survey is None or back_check is None:
            return True  # Stata's missing is larger than any number
        if self.relative:
            return (back_check <= (1 + self.low / 100) * survey
                    or back_check >= (1 + self.high / 100) * survey)
        return back_check <= survey + self.low or back_check >= survey + self.high


def _endpoint(text: str, whole: str) -> tuple[float, bool]:
    relative = text.endswith("%")
    number = text.removesuffix("%").strip()
    if not is_number(number):
        raise SheetError(f"okrange {whole!r}: {text!r} is not a number")
    return float(number), relative


@dataclass(frozen=True)
class BackcheckSpec:
    """The bcstats options: id, admin columns, typed variables and comparison rules."""

    id: str
    enumerator: str | None = None
    enumteam: str | None = None
    backchecker: str | None = None
    type1: tuple[str, ...] = ()
    type2: tuple[str, ...] = ()
    type3: tuple[str, ...] = ()
    okrange: tuple[OkRange, ...] = ()
    exclude: tuple[str, ...] = ()
    nodiff: tuple[str, ...] = ()
    lower: bool = False
    upper: bool = False
    nosymbol: bool = False
    trim: bool = False

    def variables(self) -> list[tuple[str, int]]:
        """Return (variable, type) in the order of type 1, 2 and 3 lists."""
        return [(v, t) for t, names in enumerate((self.type1, self.type2, self.type3), 1)
                for v in names]

    def validate(self) -> None:
        """Raise SheetError for option combinations bcstats rejects."""
        names = [v for v, _ in self.variables()]
        if not names:
            raise SheetError("give at least one type 1, type 2 or type 3 variable")
        admin = [c for c in (self.id, self.enumerator, self.enumteam, self.backchecker) if c]
        twice = sorted({n for n in names + admin if (names + admin).count(n) > 1})
        if twice:
            raise SheetError(f"variable named in more than one option: {', '.join(twice)}")
        if self.lower and self.upper:
            raise SheetError("options lower and upper are mutually exclusive")
        ranged = [r.variable for r in self.okrange]
        for variable in ranged:
            if variable not in names or ranged.count(variable) > 1:
                raise SheetError(f"okrange: {variable} is not a compared variable or is given twice")

    def clean(self, text: str) -> str:
        """Apply lower/upper, then nosymbol, then trim to a string value."""
        if self.lower:
            text = text.lower()
        if self.upper:
            text = text.upper()
        if self.nosymbol:
            text = text.translate(_SYMBOL_TABLE)
        if self.trim:
            text = re.sub(" +", " ", text).strip(" ")
        return text


@dataclass(frozen=True)
class Comparison:
    """One compared id × variable; values shown as text (None when missing)."""

    id: str
    enumerator: str | None
    enumteam: str | None
    backchecker: str | None
    type: int
    variable: str
    survey: str | None
    back_check: str | None
    diff: bool
    numeric: bool = False
    pair: tuple[float, float] | None = None  # both values when numeric, for the paired tests

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of one difference."""
        return {"id": self.id, "enumerator": self.enumerator, "backchecker": self.backchecker,
                "type": self.type, "variable": self.variable, "survey": self.survey,
                "back_check": self.back_check}


def order_key(values: Sequence[str | None]) -> Callable[[str | None], tuple[int, float | str]]:
    """Return a sort key: numeric when every present value is a number, missing last."""
    numeric = all(v is None or v in MISSING or is_number(v) for v in values)

    def key(value: str | None) -> tuple[int, float | str]:
        if value is None or (numeric and value in MISSING):
            return (1, 0.0 if numeric else "")
        return (0, float(value) if numeric else value)
    return key


def _index(records: Sequence[Record], column: str, what: str) -> dict[str, Record]:
    indexed: dict[str, Record] = {}
    for number, record in enumerate(records, start=2):
        ident = (record.get(column) or "").strip()
        if not ident:
            raise SheetError(f"{what} data: row {number} has no {column}")
        if ident in indexed:
            raise SheetError(f"{what} data: {column} {ident!r} is not unique")
        indexed[ident] = record
    return indexed


def _require(records: Sequence[Record], columns: list[str | None], what: str) -> None:
    present = set().union(*(r.keys() for r in records)) if records else set()
    missing = [c for c in columns if c and c not in present]
    if not records or missing:
        raise SheetError(f"{what} data: missing columns {', '.join(missing) or '(no rows)'}")


class _Variable:
    """A compared variable's values on both sides, typed the way bcstats types them."""

    def __init__(self, name: str, survey: list[str], back_check: list[str],
                 spec: BackcheckSpec) -> None:
        sides = [[v for v in side if v not in MISSING] for side in (survey, back_check)]
        self.numeric = all(is_number(v) for side in sides for v in side)
        self.spec = spec
        self.exclude = self._values(spec.exclude)
        self.nodiff = self._values(spec.nodiff)
        self.range = next((r for r in spec.okrange if r.variable == name), None)
        if self.range and not self.numeric:
            raise SheetError(f"okrange: {name} is not numeric in both files")

    def _values(self, texts: tuple[str, ...]) -> set[Any]:
        if not self.numeric:
            return set(texts)
        return {None if t in MISSING else float(t) for t in texts if t in MISSING or is_number(t)}

    def value(self, text: str) -> Any:
        """Return the typed value: a float or None, or a cleaned string."""
        if self.numeric:
            return None if text in MISSING else float(text)
        return self.spec.clean(text)

    def shown(self, text: str, value: Any) -> str | None:
        """Return the text shown in the differences: None for missing."""
        if self.numeric:
            return None if value is None else text
        return value or None

    def differs(self, survey: Any, back_check: Any) -> bool:
        """Return bcstats' diff: unequal, outside okrange, and not a nodiff value."""
        if survey == back_check:
            return False
        if self.range and not self.range.outside(survey, back_check):
            return False
        return back_check not in self.nodiff


def compare(survey: Sequence[Record], back_check: Sequence[Record],
            spec: BackcheckSpec) -> list[Comparison]:
    """Compare every shared id × variable not excluded, sorted as bcstats posts them."""
    spec.validate()
    variables = [v for v, _ in spec.variables()]
    _require(survey, [spec.id, spec.enumerator, spec.enumteam, *variables], "survey")
    _require(back_check, [spec.id, spec.backchecker, *variables], "back-check")
    by_survey, by_bc = _index(survey, spec.id, "survey"), _index(back_check, spec.id, "back-check")
    shared = [i for i in by_survey if i in by_bc]
    if not shared:
        raise SheetError("there are no shared ids between survey and back-check data")
    shared = _sorted_ids(shared, by_survey, spec)
    rows = []
    for name, kind in spec.variables():
        variable = _Variable(name, [by_survey[i].get(name, "") for i in shared],
                             [by_bc[i].get(name, "") for i in shared], spec)
        rows.extend(_compare_variable(name, kind, variable, shared, by_survey, by_bc, spec))
    return rows


def _sorted_ids(ids: list[str], by_survey: dict[str, Record], spec: BackcheckSpec) -> list[str]:
    id_key = order_key(ids)
    if not spec.enumerator:
        return sorted(ids, key=id_key)
    enums = {i: by_survey[i].get(spec.enumerator) or None for i in ids}
    enum_key = order_key(list(enums.values()))
    return sorted(ids, key=lambda i: (enum_key(enums[i]), id_key(i)))


def _compare_variable(name: str, kind: int, variable: _Variable, ids: list[str],
                      by_survey: dict[str, Record], by_bc: dict[str, Record],
                      spec: BackcheckSpec) -> list[Comparison]:
    rows = []
    for ident in ids:
        s_text, b_text = by_survey[ident].get(name, ""), by_bc[ident].get(name, "")
        s_value, b_value = variable.value(s_text), variable.value(b_text)
        if spec.exclude and b_value in variable.exclude:
            continue
        pair = (s_value, b_value) if variable.numeric and None not in (s_value, b_value) else None
        rows.append(Comparison(
            ident, _admin(by_survey[ident], spec.enumerator), _admin(by_survey[ident], spec.enumteam),
            _admin(by_bc[ident], spec.backchecker), kind, name, variable.shown(s_text, s_value),
            variable.shown(b_text, b_value), variable.differs(s_value, b_value),
            variable.numeric, pair))
    return rows


def _admin(record: Record, column: str | None) -> str | None:
    return (record.get(column) or None) if column else None
