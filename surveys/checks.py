"""Checks across survey forms: phone validity, missing answers, duplicates, review hints."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from surveys.phones import PhoneInfo, cell_text, phone_info
from surveys.schema import Question, SurveyRow, all_questions

INVALID_PHONE = "invalid_phone"
SAME_CANDIDATE = "duplicate_phone_same_candidate"
OTHER_CANDIDATE = "duplicate_phone_other_candidate"
TOO_FAST = "too_fast"
HOUSEHOLD_PHONE_KINDS = ("mobile", "fixed_line", "fixed_line_or_mobile")


@dataclass(frozen=True)
class CheckConfig:
    """Campaign settings: extra questions and the thresholds of the review hints."""

    extra_questions: tuple[Question | Mapping[str, Any], ...] = ()
    fast_max_forms: int = 6  # more than this many forms ...
    fast_window: timedelta = timedelta(minutes=30)  # ... within this span is too fast
    max_forms_per_day: int | None = None
    period: tuple[date, date] | None = None  # surveys dated outside it are implausible


class RowResult(NamedTuple):
    """The verdict on one form; ``hints`` ask for review but do not invalidate."""

    row: int
    candidate: str | None
    phone_e164: str | None
    valid: bool
    flags: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of ``grader surveys check``."""
        return {"row": self.row, "candidate": self.candidate, "phone_e164": self.phone_e164,
                "valid": self.valid, "flags": list(self.flags), "hints": list(self.hints)}


def check_rows(rows: Sequence[SurveyRow], config: CheckConfig | None = None) -> list[RowResult]:
    """Flag every form; later rows count as the duplicates of a candidate's number."""
    config = config or CheckConfig()
    questions = all_questions(config.extra_questions)
    candidates = [row.values.get("candidate") for row in rows]
    phones = [_phone(row) for row in rows]
    duplicates = _duplicate_flags(candidates, phones)
    hints = _hints(rows, phones, questions, config)
    required = [q.name for q in questions if q.required]
    results = []
    for index, (row, who, phone, dup) in enumerate(zip(rows, candidates, phones, duplicates,
                                                       strict=True)):
        flags = _cell_flags(row, phone, questions, required) + dup
        results.append(RowResult(row.row, who, phone.e164 if phone else None,
                                 not flags, flags, hints.get(index, ())))
    return results


def _phone(row: SurveyRow) -> PhoneInfo | None:
    raw = row.values.get("phone")
    return phone_info(raw if isinstance(raw, str) else cell_text(raw)) if raw else None


def _cell_flags(row: SurveyRow, phone: PhoneInfo | None, questions: tuple[Question, ...],
                required: list[str]) -> tuple[str, ...]:
    values = row.values
    if not row.errors and phone and all(values.get(name) is not None for name in required):
        return ()  # the common case, decided without building the error map
    bad = {error.column: error.code for error in row.errors}
    flags = []
    for question in questions:
        code = bad.get(question.name)
        if code == "missing" or (code is None and question.required
                                 and values.get(question.name) is None):
            flags.append(f"missing_field:{question.name}")
        elif code and question.kind != "phone":
            flags.append(f"invalid_field:{question.name}")
    if phone is None and (bad.get("phone") == INVALID_PHONE or values.get("phone")):
        flags.append(INVALID_PHONE)
    return tuple(flags)


_DUPLICATES = {(False, False): (), (True, False): (SAME_CANDIDATE,),
               (False, True): (OTHER_CANDIDATE,), (True, True): (SAME_CANDIDATE, OTHER_CANDIDATE)}


def _duplicate_flags(candidates: list[Any],
                     phones: list[PhoneInfo | None]) -> list[tuple[str, ...]]:
    owners: dict[str, set[Any]] = defaultdict(set)
    for who, phone in zip(candidates, phones, strict=True):
        if phone:
            owners[phone.e164].add(who)
    shared = {number for number, who in owners.items() if len(who) > 1}
    seen: set[tuple[Any, str]] = set()
    flags: list[tuple[str, ...]] = []
    for who, phone in zip(candidates, phones, strict=True):
        if phone is None:
            flags.append(())
            continue
        key = (who, phone.e164)
        flags.append(_DUPLICATES[key in seen, phone.e164 in shared])
        seen.add(key)
    return flags


def _hints(rows: Sequence[SurveyRow], phones: list[PhoneInfo | None],
           questions: tuple[Question, ...], config: CheckConfig) -> dict[int, tuple[str, ...]]:
    """Return the review hints of the rows that have any, by position."""
    hints: dict[int, tuple[str, ...]] = dict.fromkeys(sorted(_too_fast(rows, config)), (TOO_FAST,))
    bounded = [q for q in questions if q.low is not None or q.high is not None]
    for index, (row, phone) in enumerate(zip(rows, phones, strict=True)):
        found = implausible_fields(row, phone, bounded, config)
        if found:
            hints[index] = hints.get(index, ()) + tuple(f"implausible:{n}" for n in found)
    return hints


def implausible_fields(row: SurveyRow, phone: PhoneInfo | None, questions: Iterable[Question],
                       config: CheckConfig) -> list[str]:
    """Return the questions whose answers are out of their plausible range."""
    found = []
    for question in questions:
        value = row.values.get(question.name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                (question.low is not None and value < question.low)
                or (question.high is not None and value > question.high)):
            found.append(question.name)
    if phone and phone.kind not in HOUSEHOLD_PHONE_KINDS:
        found.append("phone")
    if config.period:
        when = _day(row.values.get("surveyed_at"))
        if when and not config.period[0] <= when <= config.period[1]:
            found.append("surveyed_at")
    return found


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _too_fast(rows: Sequence[SurveyRow], config: CheckConfig) -> set[int]:
    times: dict[Any, list[tuple[datetime, int]]] = defaultdict(list)
    days: dict[tuple[Any, date], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        when = row.values.get("surveyed_at")
        if isinstance(when, datetime):
            times[row.candidate].append((when, index))
        day = _day(when)
        if day:
            days[(row.candidate, day)].append(index)
    marked = set()
    for stamps in times.values():
        marked |= crowded(sorted(stamps), config.fast_max_forms, config.fast_window)
    if config.max_forms_per_day is not None:
        for members in days.values():
            if len(members) > config.max_forms_per_day:
                marked.update(members)
    return marked


def crowded(stamps: list[tuple[datetime, int]], most: int, window: timedelta) -> set[int]:
    """Return the ids of sorted (time, id) stamps lying in a span of more than ``most``."""
    marked: set[int] = set()
    start = done = 0
    for end, (moment, _) in enumerate(stamps):
        while moment - stamps[start][0] > window:
            start += 1
        if end - start + 1 > most:
            marked.update(ident for _, ident in stamps[max(start, done):end + 1])
            done = end + 1
    return marked
