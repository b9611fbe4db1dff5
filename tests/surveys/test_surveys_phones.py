import csv
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.phones import cell_text, normalise_mobile, normalise_phone, phone_info

VECTORS = (Path(__file__).resolve().parents[2].parent / "shared" / "peers" / "phones"
           / "cn_phone_vectors.tsv")
PINNED = "9.0.43"
# Where the vectors' `expected` column (carrier rules, regex sites) and libphonenumber part:
# we follow libphonenumber, and these are the named reasons.
KNOWN_DISAGREEMENTS = {
    "carrier/miit": "174 emergency-communication range, not in libphonenumber metadata",
    "carrier/inmarsat": "174 satellite range, not in libphonenumber metadata",
    "iot/china_mobile": "13-digit IoT numbers are not household phones",
    "iot/china_unicom": "13-digit IoT numbers are not household phones",
    "iot/china_telecom": "13-digit IoT numbers are not household phones",
    "data_plan_only/china_telecom": "data-only range that libphonenumber does not list",
    "reserved/carrier": "prefixes allocated after 2019; libphonenumber already accepts them",
}
KNOWN_NUMBERS = {
    "89076543": "a landline without its area code is not accepted (by design)",
    "010-12345678-1234": "an extension after a hyphen is read as more digits",
}


def _vectors():
    if not VECTORS.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{VECTORS} is missing"))]
    with VECTORS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [pytest.param(row, id=f"{i}:{row['number']}") for i, row in enumerate(rows)]


def _slow(raw):
    """Reference: the plain phonenumbers route without any fast path or cache."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("vector", _vectors())
def test_vector_matches_libphonenumber(vector):
    column = vector[f"libphonenumber_{PINNED}"]
    expected = column.split()[2] if column.startswith("valid ") else None
    got = normalise_phone(vector["number"])
    if got != expected and phonenumbers.__version__ != PINNED:
        pytest.xfail(f"phonenumbers {phonenumbers.__version__} differs from {PINNED} on "
                     f"{vector['number']!r} ({vector['type']}): {got} vs {expected}")
    assert got == expected


@pytest.mark.skipif(not VECTORS.exists(), reason=f"{VECTORS} is missing")
def test_disagreements_with_expected_column_are_named():
    with VECTORS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    unexplained = []
    for row in rows:
        if row["expected"] not in ("valid", "invalid"):
            continue  # short codes, test metadata, unspecified
        if (normalise_phone(row["number"]) is not None) != (row["expected"] == "valid"):
            if row["type"] not in KNOWN_DISAGREEMENTS and row["number"] not in KNOWN_NUMBERS:
                unexplained.append((row["number"], row["type"]))
    assert unexplained == []


@pytest.mark.parametrize(("raw", "e164"), [
    ("13812345678", "+8613812345678"),
    ("138 1234 5678", "+8613812345678"),
    ("138-1234-5678", "+8613812345678"),
    ("+86 138 1234 5678", "+8613812345678"),
    ("008613812345678", "+8613812345678"),
    ("8613812345678", "+8613812345678"),
    ("１３８１２３４５６７８", "+8613812345678"),
    ("0371-61234567", "+8637161234567"),
    ("(0936)4211235", "+869364211235"),
    ("61234567", None),  # landline without area code
    ("1381234567", None),
    ("+85291234567", None),  # Hong Kong is not mainland
    ("110", None),
    ("", None),
    ("not a number", None),
    ("138abc12345", None),  # phonenumbers would read the letters as keypad digits 222
    ("1381234567a", None),
    ("TEL 13812345678", None),
    ("0371-6123456转8", None),
])
def test_normalise_phone(raw, e164):
    assert normalise_phone(raw) == e164


def test_cell_values_from_spreadsheets():
    assert normalise_phone(13812345678) == "+8613812345678"
    assert normalise_phone(13812345678.0) == "+8613812345678"
    assert normalise_phone(None) is None
    assert cell_text(4.0) == "4" and cell_text(4.5) == "4.5"


def test_kinds():
    assert phone_info("13812345678").kind == "mobile"
    assert phone_info("0371-61234567").kind == "fixed_line"
    assert phone_info("4001234567").kind == "other"


def test_mobile_refuses_landlines_and_letters():
    assert normalise_mobile("138 1234-5678") == "+8613812345678"
    assert normalise_mobile("0371-61234567") is None
    assert normalise_mobile("138abc12345") is None


def test_fast_path_agrees_with_phonenumbers_on_every_prefix():
    for prefix in range(1000, 2000):
        for suffix in ("0000000", "5551234", "9999999"):
            raw = f"{prefix}{suffix}"
            assert normalise_phone(raw) == _slow(raw), raw


@settings(max_examples=300, deadline=None)
@given(digits=st.text("0123456789", min_size=10, max_size=10),
       style=st.sampled_from(["{}", "+86{}", "+86 {}", "{} ", "{}-", "1{}"]))
def test_fast_path_agrees_with_phonenumbers(digits, style):
    raw = style.format("1" + digits)
    assert normalise_phone(raw) == _slow(raw)
