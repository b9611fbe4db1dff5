"""Eligibility rules of registration (报名条件); plain functions, no Flask."""

import re
from dataclasses import asdict, dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

EDUCATION_ORDER = ("primary", "junior", "high", "vocational", "college", "bachelor", "master")
ASCII_RIC = re.compile(r"[0-9]{17}[0-9X]")
ID_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\uff0d]")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class IdCheck:
    """The verdict on one resident ID number, as `grader check-id` prints it."""

    number: str
    valid: bool
    reason: str | None
    birthdate: str | None
    age: int | None
    sex: str | None
    region_code: str | None
    eligible_age: bool

    def to_dict(self) -> dict:
        """Return the JSON shape of the CLI contract."""
        return asdict(self)


def age_on(birthdate: date, on: date) -> int:
    """Return the age in full years on a day (29 February turns a year older on 1 March)."""
    return on.year - birthdate.year - ((on.month, on.day) < (birthdate.month, birthdate.day))


def _id_error(number: str) -> str | None:
    """Return a stable reason code why the number is no valid 18-digit RIC, or None."""
    compact = ric.compact(number)
    if len(compact) == 15 and compact.isascii() and compact.isdigit():
        return "old_15_digit_number"
    if len(compact) != 18:
        return "invalid_length"
    if not ASCII_RIC.fullmatch(compact):
        return "invalid_format"
    try:
        ric.validate(compact)
    except stdnum_errors.InvalidLength:
        return "invalid_length"
    except stdnum_errors.InvalidFormat:
        return "invalid_format"
    except stdnum_errors.InvalidChecksum:
        return "invalid_check_digit"
    except (stdnum_errors.InvalidComponent, KeyError):
        return _component_reason(compact)
    return None


def _component_reason(compact: str) -> str:
    """Tell a bad birth date from an unknown region code."""
    try:
        ric.get_birth_date(compact)
    except stdnum_errors.ValidationError:
        return "invalid_birth_date"
    return "unknown_region"


def check_id(number: str, on: date, min_age: int = 18, max_age: int = 45) -> IdCheck:
    """Check a resident ID number and the age rule on the reference day.

    Spaces and dashes typed to group the digits are dropped first. A birth date after the
    reference day makes the number invalid (`birth_in_future`).
    """
    number = ID_SEPARATORS.sub("", number)
    reason = _id_error(number)
    if reason:
        return IdCheck(number, False, reason, None, None, None, None, False)
    compact = ric.compact(number)
    born = ric.get_birth_date(compact)
    sex = "M" if int(compact[16]) % 2 else "F"
    if born > on:  # stdnum takes any real date; nobody registers before being born
        return IdCheck(compact, False, "birth_in_future", born.isoformat(), None, sex,
                       compact[:6], False)
    age = age_on(born, on)
    return IdCheck(compact, True, None, born.isoformat(), age, sex, compact[:6],
                   min_age <= age <= max_age)


def _region_ever_known(code: str) -> bool:
    """Say whether stdnum lists the region code for some period (not necessarily the birth year)."""
    from stdnum import numdb
    return any(props.get("county") for _part, props in numdb.get("cn/loc").info(code))


def held_id(number: str, on: date, min_age: int = 18, max_age: int = 45) -> IdCheck | None:
    """Return the check of a number to hold for staff (待核实), or None when it is not one.

    A number is held when its checksum and birth date are valid and its region code is one
    stdnum knows, but not for that birth year (a 520523 number of someone born before 2011,
    when 金沙县 was 522424): the card may be real, re-issued under the new code.
    """
    number = ID_SEPARATORS.sub("", number)
    if _id_error(number) != "unknown_region":
        return None
    compact = ric.compact(number)
    if not _region_ever_known(compact[:6]):
        return None
    born = ric.get_birth_date(compact)
    if born > on:
        return None
    age = age_on(born, on)
    return IdCheck(compact, True, "region_unverified", born.isoformat(), age,
                   "M" if int(compact[16]) % 2 else "F", compact[:6], min_age <= age <= max_age)


def valid_email(raw: str) -> bool:
    """Say whether the text looks like a deliverable email address."""
    return bool(EMAIL_RE.match(raw.strip())) and len(raw) <= 120


@dataclass(frozen=True)
class Rules:
    """The campaign's eligibility settings."""

    on: date
    min_age: int
    max_age: int
    min_education: str
    declarations: tuple[str, ...]


def failed_rules(rules: Rules, id_check: IdCheck, education: str, declared: dict) -> list[str]:
    """Return the codes of every eligibility rule the registration fails."""
    reasons = []
    if id_check.reason == "region_unverified":
        reasons.append("id_unverified")
    if not id_check.valid:
        reasons.append(f"id_invalid:{id_check.reason}")
    elif id_check.age is not None and id_check.age < rules.min_age:
        reasons.append("age_under")
    elif id_check.age is not None and id_check.age > rules.max_age:
        reasons.append("age_over")
    if EDUCATION_ORDER.index(education) < EDUCATION_ORDER.index(rules.min_education):
        reasons.append("education_below")
    reasons += [f"declaration_missing:{d}" for d in rules.declarations if not declared.get(d)]
    return reasons
