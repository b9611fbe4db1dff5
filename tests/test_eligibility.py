"""Eligibility rules and `grader check-id`: boundaries, vectors from outside, the CLI."""

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum.cn import ric

from grader.cli import main
from grader.eligibility import EDUCATION_ORDER, Rules, age_on, check_id, failed_rules
from helpers import ric_for

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers"
REF = date(2016, 5, 18)
FUTURE_ID = "140121203001010015"  # born 2030-01-01


def test_turning_18_on_the_reference_day_is_eligible():
    res = check_id(ric_for(date(1998, 5, 18)), REF)
    assert (res.valid, res.age, res.eligible_age) == (True, 18, True)


def test_one_day_short_of_18_is_not():
    res = check_id(ric_for(date(1998, 5, 19)), REF)
    assert (res.age, res.eligible_age) == (17, False)


def test_turning_46_on_the_reference_day_is_too_old():
    res = check_id(ric_for(date(1970, 5, 18)), REF)
    assert (res.age, res.eligible_age) == (46, False)


def test_the_day_before_turning_46_is_still_45():
    res = check_id(ric_for(date(1970, 5, 19)), REF)
    assert (res.age, res.eligible_age) == (45, True)


def test_29_february_birthdays_turn_a_year_older_on_1_march():
    born = date(1996, 2, 29)
    assert age_on(born, date(2014, 2, 28)) == 17
    assert age_on(born, date(2014, 3, 1)) == 18
    assert age_on(born, date(2016, 2, 29)) == 20
    assert check_id(ric_for(born), date(2014, 2, 28)).eligible_age is False
    assert check_id(ric_for(born), date(2014, 3, 1)).eligible_age is True


def test_check_digit_x_in_either_case():
    number = "11010519491231002X"
    assert check_id(number, REF).valid
    lower = check_id(number.lower(), REF)
    assert lower.valid and lower.number == number and lower.sex == "F"


@pytest.mark.parametrize("number,reason", [
    ("610104620927690", "old_15_digit_number"),
    ("360426199101010072", "invalid_check_digit"),
    ("1234567", "invalid_length"),
    ("T60426199101010078", "invalid_format"),
    ("11010219840230004X", "invalid_birth_date"),
    ("990426199112010074", "unknown_region"),
    ("", "invalid_length"),
])
def test_refusals_have_specific_reasons(number, reason):
    res = check_id(number, REF)
    assert (res.valid, res.reason, res.eligible_age) == (False, reason, False)


def test_sex_and_region_come_from_the_number():
    res = check_id("360426199101010071", REF)
    assert (res.sex, res.region_code, res.birthdate) == ("M", "360426", "1991-01-01")


def test_failed_rules_lists_every_failure():
    rules = Rules(REF, 18, 45, "high", ("conduct", "training"))
    young = check_id(ric_for(date(2000, 1, 1)), REF)
    assert failed_rules(rules, young, "junior", {"conduct": True}) == [
        "age_under", "education_below", "declaration_missing:training"]
    ok = check_id(ric_for(date(1990, 1, 1)), REF)
    assert failed_rules(rules, ok, "high", {"conduct": True, "training": True}) == []
    assert EDUCATION_ORDER.index("vocational") > EDUCATION_ORDER.index("high")


# Where a source's verdict differs from stdnum.cn.ric (our rule), and why.
DISAGREEMENTS = {
    # stdnum checks that the county code existed in the birth year ("strict" mode of
    # id-validator); the non-strict sources accept these.
    "500154199301135886": "region not yet assigned in birth year",
    "500154199804106120": "region not yet assigned in birth year",
    "411082198901010002": "region not yet assigned in birth year",
    "610104196209276908": "region not yet assigned in birth year",
    "44040119580101000X": "historic region code outside stdnum's table for that year",
    "441282198101011230": "region not yet assigned in birth year",
    "331122197905116239": "checksum-only source; region not valid in birth year",
    "33050219880702447x": "checksum-only source; region not valid in birth year",
    "33050219880702447X": "checksum-only source; region not valid in birth year",
    "440524188001010014": "born 1880, before any region code existed",
    "34052419800101001X": "region 340524 not valid in 1980",
    "170102198404069700": "province 17 does not exist",
    # Residence permits for Hong Kong, Macau and Taiwan residents are not resident IDs.
    "810000199408230021": "HK/Macau residence permit prefix 810000",
    "830000199201300022": "Taiwan residence permit prefix 830000",
    # First-generation 15-digit numbers: our rule refuses them (issue: 15-digit refused).
    "610104620927690": "15-digit number",
    "350303900203307": "15-digit number",
    "330502880702447": "15-digit number",
    # stdnum's compact() strips surrounding blanks and maps full-width digits to ASCII.
    " 11010219840406970x": "surrounding blank stripped by stdnum",
    "11010219840406970x ": "surrounding blank stripped by stdnum",
    "１1010219840406970x": "full-width digit normalised by stdnum",
}


def stdnum_says_valid(number: str) -> bool:
    """Ask stdnum; it raises KeyError on some unknown provinces (170102…), which is 'no'."""
    try:
        return ric.is_valid(number)
    except KeyError:
        return False


def test_outside_vectors_agree_with_stdnum_except_named_cases():
    path = PEERS / "ids" / "cn_ric_vectors.tsv"
    if not path.exists():
        pytest.skip("shared/peers/ids not present")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) > 100
    differ = {}
    for row in rows:
        res = check_id(row["number"], REF)
        assert res.valid == stdnum_says_valid(row["number"]) or row["number"] in DISAGREEMENTS
        if res.valid != (row["expected"] == "valid"):
            differ[row["number"]] = row["expected"]
        elif res.valid and row["birthdate"]:
            assert res.birthdate == row["birthdate"], row["number"]
    assert set(differ) == set(DISAGREEMENTS)


def run_cli(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_check_id_prints_the_contract():
    res = run_cli("check-id", "360426199101010071", "610104620927690", "--on", "2016-05-18",
                  "--json")
    assert res.exit_code == 0, res.output
    first, second = [json.loads(line) for line in res.output.splitlines()]
    assert first == {"number": "360426199101010071", "valid": True, "reason": None,
                     "birthdate": "1991-01-01", "age": 25, "sex": "M",
                     "region_code": "360426", "eligible_age": True}
    assert second["valid"] is False and second["reason"] == "old_15_digit_number"


def test_cli_check_id_defaults_to_the_registration_end():
    res = run_cli("check-id", ric_for(date(1998, 5, 18)), "--json")
    assert json.loads(res.output)["age"] == 18


def test_cli_usage_errors_exit_2():
    assert run_cli("check-id", "360426199101010071", "--on", "2016-13-01").exit_code == 2
    assert run_cli("check-id").exit_code == 2


def test_a_birth_date_after_the_reference_day_is_not_valid():
    res = check_id(FUTURE_ID, REF)
    assert (res.valid, res.reason, res.eligible_age, res.age) == (
        False, "birth_in_future", False, None)
    assert res.birthdate == "2030-01-01"


def test_born_on_the_reference_day_is_valid_but_too_young():
    res = check_id(ric_for(REF), REF)
    assert (res.valid, res.reason, res.age, res.eligible_age) == (True, None, 0, False)
    assert check_id(ric_for(date(2016, 5, 19)), REF).reason == "birth_in_future"


def test_the_rules_name_the_future_birth_date():
    rules = Rules(REF, 18, 45, "high", ())
    assert failed_rules(rules, check_id(FUTURE_ID, REF), "high", {}) == [
        "id_invalid:birth_in_future"]


def test_check_id_reports_the_future_birth_date():
    res = CliRunner().invoke(main, ["check-id", FUTURE_ID, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["valid"], out["reason"], out["eligible_age"]) == (False, "birth_in_future", False)
