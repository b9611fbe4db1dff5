"""Phone numbers: normalise to E.164 for mainland China with phonenumbers."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberType

REGION = "CN"
COUNTRY_CODE = 86


def _pattern(desc: phonenumbers.PhoneNumberDesc | None) -> re.Pattern[str]:
    """Compile one national-number pattern of the region's phonenumbers metadata."""
    if desc is None or desc.national_number_pattern is None:
        raise LookupError(f"phonenumbers has no national-number pattern for {REGION}")
    return re.compile(desc.national_number_pattern)


_META = phonenumbers.PhoneMetadata.metadata_for_region(REGION)
if _META is None:
    raise LookupError(f"phonenumbers has no metadata for {REGION}")
# Fast path for the common case, an 11-digit mobile (spaces, hyphens, +86 allowed): the same
# metadata patterns is_valid_number applies, without building a PhoneNumber object.
_GENERAL = _pattern(_META.general_desc)
_MOBILE = _pattern(_META.mobile)
_ELEVEN_DIGITS = re.compile(r"1[0-9]{10}")
_SEPARATORS = re.compile(r"[ -]")
_KINDS = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
}


class PhoneInfo(NamedTuple):
    """A valid number in E.164 and its kind (mobile, fixed_line, ... or other)."""

    e164: str
    kind: str


def cell_text(value: Any) -> str:
    """Return a spreadsheet cell as stripped text (integral floats lose their .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


@lru_cache(maxsize=1 << 17)
def phone_info(raw: str) -> PhoneInfo | None:
    """Return the mainland number in ``raw`` with its kind, or None when it is not valid."""
    digits = _SEPARATORS.sub("", raw).removeprefix("+86")
    if _ELEVEN_DIGITS.fullmatch(digits) and _GENERAL.fullmatch(digits) and _MOBILE.fullmatch(digits):
        return PhoneInfo("+86" + digits, "mobile")
    if any(ch.isalpha() for ch in raw):
        return None  # phonenumbers reads letters as keypad digits: 138abc… would call a stranger
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return PhoneInfo(e164, _KINDS.get(phonenumbers.number_type(number), "other"))


def normalise_phone(value: Any) -> str | None:
    """Return ``value`` as an E.164 mainland number, or None when it is not valid."""
    info = phone_info(cell_text(value))
    return info.e164 if info else None


def normalise_mobile(value: Any) -> str | None:
    """Return ``value`` as an E.164 mainland mobile number, or None (a landline is refused)."""
    info = phone_info(cell_text(value))
    return info.e164 if info and info.kind == "mobile" else None
