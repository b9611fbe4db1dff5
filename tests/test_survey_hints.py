"""The task period and the per-day limit reach the survey checks as hints."""

from datetime import date

import pytest

from grader.models import SurveyForm
from grader.services import survey_forms
from survey_helpers import fill


@pytest.fixture
def people(round1_pair):
    return round1_pair


def test_round1_days_come_from_the_campaign(campaign):
    assert survey_forms.round1_days(campaign) == (date(2016, 5, 25), date(2016, 5, 30))
    assert survey_forms.check_config(campaign).max_forms_per_day is None  # the package default


def test_surveys_outside_the_task_period_are_hinted(client, auth, session, campaign,
                                                    make_township, make_candidate):
    cand = make_candidate(make_township(), password="secret123")
    cand.stage = "round1"
    session.commit()
    days = {"2016-05-24": True, "2016-05-25": False, "2016-05-30": False, "2016-05-31": True}
    forms = {d: fill(session, campaign, cand, 1, f"1{i}", d)[0] for i, d in enumerate(days)}
    assert {d: "implausible:surveyed_at" in f.hints for d, f in forms.items()} == days
    assert all(f.valid for f in forms.values())  # a hint asks for review, it does not invalidate
    auth.login(cand.id_number)
    assert client.get("/me/surveys").text.count("答案不合常理，需核实（调研日期）") == 2


def test_too_many_forms_a_day_are_hinted(set_campaign, session, campaign, people):
    a, _b = people
    limited = set_campaign(round1={"tasks": {"survey": {"max_forms_per_day": 2}}})
    busy = fill(session, limited, a, 3, "09", "2016-05-27")
    calm = fill(session, limited, a, 2, "10", "2016-05-28")
    assert all("too_fast" in f.hints for f in busy)
    assert not any("too_fast" in f.hints for f in calm)
    survey_forms.recheck(session, campaign)  # without the limit the hint goes away
    assert not any("too_fast" in f.hints for f in busy)
    assert session.get(SurveyForm, busy[0].id).valid
