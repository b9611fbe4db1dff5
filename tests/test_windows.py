"""Registration and round-1 submissions close at the campaign's dates when it enforces them."""

from datetime import UTC, datetime

import pytest

from test_web_registration import post_register
from grader.models import Candidate
from grader.services import evidence, plans
from grader.services.registration import RegistrationError
from uploads import synth
from uploads.storage import FileStorage


@pytest.fixture
def enforced(set_campaign):
    return set_campaign(enforce_windows=True)


def test_windows_are_shanghai_days_and_times(campaign, set_campaign):
    start, end = campaign.window("registration")  # 2016-05-03 .. 2016-05-18, whole days
    assert (start, end) == (datetime(2016, 5, 2, 16, tzinfo=UTC), datetime(2016, 5, 18, 16,
                                                                           tzinfo=UTC))
    assert campaign.window_refusal("round1", datetime(2030, 1, 1, tzinfo=UTC)) is None  # off
    campaign = set_campaign(enforce_windows=True)
    assert campaign.window_refusal("round1", datetime(2016, 5, 24, 15, 59, tzinfo=UTC)) \
        == "not_open"
    assert campaign.window_refusal("round1", datetime(2016, 5, 24, 16, tzinfo=UTC)) is None
    assert campaign.window_refusal("round1", datetime(2016, 5, 30, 16, tzinfo=UTC)) \
        == "window_over"


def test_registration_after_the_end_is_refused_whole(session, client, enforced, make_township,
                                                     make_candidate):
    town = make_township()
    with pytest.raises(RegistrationError) as err:
        make_candidate(town)
    assert err.value.code == "window_over"
    reply = post_register(client, town)
    assert "已过截止时间" in reply.get_data(as_text=True)
    assert session.query(Candidate).count() == 0


def test_round1_uploads_close_at_the_end(session, set_campaign, make_township, make_candidate,
                                         tmp_path):
    cand = make_candidate(make_township())
    cand.stage = "round1"
    session.commit()
    storage = FileStorage(tmp_path / "files")
    shot = synth.to_png(synth.draw_text_image("农村淘宝 合伙人"))
    inside, after = datetime(2016, 5, 27, 2, tzinfo=UTC), datetime(2016, 5, 31, 2, tzinfo=UTC)
    campaign = set_campaign(enforce_windows=True)
    with pytest.raises(evidence.EvidenceError, match="inside its window"):
        evidence.submit_screenshots(session, storage, cand, "wechat_share", [("a.png", shot)],
                                    after, campaign)
    kept = evidence.submit_screenshots(session, storage, cand, "wechat_share",
                                       [("a.png", shot)], inside, campaign)
    with pytest.raises(plans.PlanError) as err:
        plans.submit_plan(session, storage, campaign, cand, "p.txt", "计划".encode() * 200,
                          now=after)
    assert err.value.code == "window_over" and len(kept.items) == 1


RAW_FORM = {"name": "张三", "phone": "13912345678", "village": "东村", "household_size": "4",
            "shops_online": "是", "surveyed_at": "2016-05-27"}


@pytest.fixture
def surveyor(round1_candidate):
    return round1_candidate


def test_survey_forms_close_at_the_end_for_candidates(session, set_campaign, surveyor):
    from grader.services import survey_forms

    cand, raw = surveyor, RAW_FORM
    campaign = set_campaign(enforce_windows=True)  # after the candidate registered
    with pytest.raises(survey_forms.SurveyError, match="inside its window"):
        survey_forms.save_form(session, campaign, cand, raw, now=datetime(2016, 5, 31, 1,
                                                                     tzinfo=UTC))
    form, errors = survey_forms.save_form(session, campaign, cand, raw,
                                     now=datetime(2016, 5, 27, 1, tzinfo=UTC))
    assert errors == [] and form.id is not None


def test_bare_dates_in_the_campaign_rank_as_whole_shanghai_days(session, set_campaign,
                                                                 make_user):
    from grader.services import rankings

    county = make_user("county", "county_staff")
    campaign = set_campaign(round1={"start": "2016-05-25", "end": "2016-05-30"},
                            round2={"start": "2016-06-02"})
    facts, _w = rankings.round1_facts(session, campaign)
    ranking = rankings.preview(session, campaign, "1", county)
    facts2, _w = rankings.round2_facts(session, campaign)
    rankings.preview(session, campaign, "2", county)
    assert facts["window"] == {"start": "2016-05-25T00:00:00+08:00",
                               "end": "2016-05-31T00:00:00+08:00"}
    assert facts2["window"] == {"start": "2016-06-02T00:00:00+08:00"}
    assert ranking.status == "draft"


def test_demo_and_rehearsal_register_inside_an_enforced_window(session, enforced):
    from grader.models import Township
    from grader.services.demo import load_demo

    load_demo(session, enforced, 5, 1)
    assert session.query(Township).count() > 0 and session.query(Candidate).count() == 6


def test_a_retried_survey_form_is_found_after_the_deadline(session, set_campaign, surveyor):
    from grader.services import survey_forms

    cand, raw = surveyor, RAW_FORM
    campaign = set_campaign(enforce_windows=True)  # after the candidate registered
    saved, _e = survey_forms.save_form(session, campaign, cand, raw, "k-1",
                                  now=datetime(2016, 5, 30, 15, 59, tzinfo=UTC))
    again, _e = survey_forms.save_form(session, campaign, cand, raw, "k-1",
                                  now=datetime(2016, 5, 30, 16, 1, tzinfo=UTC))
    assert again.id == saved.id
