"""The campaign file loads into typed, frozen settings, and a bad file names every bad key."""

from datetime import date, timedelta

import pydantic
import pytest

from grader.campaign import DEFAULT_FILE, CampaignError, load_campaign
from scoring.policy import Round2Policy


def bad_file(tmp_path, *replacements):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path) -> str:
    with pytest.raises(CampaignError) as err:
        load_campaign(path)
    assert str(path) in str(err.value)
    return str(err.value)


def test_the_default_file_loads_typed_and_frozen():
    campaign = load_campaign()
    assert campaign.registration.end == date(2016, 5, 18)
    assert (campaign.onsite_test.advance, campaign.round1.advance, campaign.round2.advance,
            campaign.interview.advance) == (600, 400, 240, 160)
    assert campaign.round1.tasks["survey"].required == 100
    assert campaign.round2.days == 7 and campaign.round2.reviews_per_report == 1
    assert campaign.round1.spot_check.tolerances == {"household_size": 1.0}
    with pytest.raises(pydantic.ValidationError):
        campaign.round2.days = 3


def test_an_unknown_key_is_named(tmp_path):
    message = refusal(bad_file(tmp_path, ("days = 7", "days = 7\nday = 8")))
    assert "round2.day: Extra inputs are not permitted" in message


def test_a_wrong_type_is_named(tmp_path):
    message = refusal(bad_file(tmp_path, ("quality = 0.6", 'quality = "0.6"')))
    assert "round1.weights.quality: Input should be a valid number (got '0.6')" in message


def test_a_bad_date_is_named(tmp_path):
    message = refusal(bad_file(tmp_path, ('deadline = "2016-06-16"', 'deadline = "2016-06-31"')))
    assert "signing.deadline: Value error, day is out of range for month" in message


def test_a_negative_stage_size_is_named(tmp_path):
    message = refusal(bad_file(tmp_path, ("advance = 600", "advance = -600")))
    assert "onsite_test.advance: Input should be greater than or equal to 0" in message


def test_a_missing_required_key_is_named(tmp_path):
    message = refusal(bad_file(tmp_path, ("min_age = 18\n", "")))
    assert "registration.min_age: Field required" in message


def test_every_bad_key_is_named_at_once(tmp_path):
    message = refusal(bad_file(tmp_path, ("per_item = 2", "per_item = 0"),
                               ("required = 1\n", 'required = "one"\n'),
                               ('min_education = "high"', 'min_education = "phd"')))
    assert "has 3 bad value(s)" in message
    assert "round1.reviews.per_item: Input should be greater than or equal to 1" in message
    assert "round1.tasks.plan.required: Input should be a valid integer" in message
    assert "registration.min_education: Value error, must be one of" in message


def test_left_out_keys_take_the_one_default(tmp_path):
    campaign = load_campaign(bad_file(tmp_path, ("days = 7\n", "")))
    assert campaign.round2.days == Round2Policy().days
    assert campaign.window("round2")[1] == campaign.window("round2")[0] + timedelta(days=7)
