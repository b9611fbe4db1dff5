"""`grader simulate` runs a whole campaign through the services; same seed, same result."""

import json
from datetime import date

from click.testing import CliRunner

from grader.campaign import DEFAULT_FILE
from grader.cli import main


def small_campaign(tmp_path):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    for old, new in (("advance = 600", "advance = 36"), ("advance = 400", "advance = 24"),
                     ("advance = 240", "advance = 16"), ("advance = 160", "advance = 10")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(env, *args):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result.output


def simulate_once(tmp_path, name, seed):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / name}-q.db",
           "STORAGE_DIR": str(tmp_path / f"{name}-files"),
           "CAMPAIGN_FILE": str(small_campaign(tmp_path))}
    out = run(env, "simulate", "--candidates", "130", "--seed", str(seed))
    assert "ranking 1: " in out and "signed the selected" in out
    stats = json.loads(run(env, "stats", "townships", "--json"))
    ranked = run(env, "db", "upgrade")
    assert "database at head" in ranked
    return stats


def test_simulation_reaches_every_stage_and_repeats(tmp_path):
    first = simulate_once(tmp_path, "a", 7)
    total = first["total"]
    assert total["registered"] == 130 and total["signed"] == 10
    # a stage counts everyone who reached it: its target, and those who withdrew from it
    assert total["task_round1"] > 36 and total["task_round2"] > 24 and total["interview"] > 16
    assert total["sat_exam"] > 36
    assert simulate_once(tmp_path, "b", 7) == first
    assert simulate_once(tmp_path, "c", 8) != first


def test_simulate_refuses_a_used_database_without_reset(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'used'}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q'}.db", "STORAGE_DIR": str(tmp_path / "f")}
    run(env, "demo", "--candidates", "5")
    result = CliRunner().invoke(main, ["simulate", "--candidates", "20"], env=env)
    assert result.exit_code == 2 and "--reset" in result.output


def test_simulation_runs_inside_enforced_windows_given_as_bare_dates(tmp_path):
    path = small_campaign(tmp_path)
    text = path.read_text(encoding="utf-8").replace("enforce_windows = false",
                                                    "enforce_windows = true")
    text = text.replace('start = "2016-05-25T00:00:00+08:00"', 'start = "2016-05-25"').replace(
        'end = "2016-05-31T00:00:00+08:00"', 'end = "2016-05-30"')  # the same days, bare
    assert 'end = "2016-05-30"' in text and "enforce_windows = true" in text
    path.write_text(text, encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'w'}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'w'}-q.db", "STORAGE_DIR": str(tmp_path / "wf"),
           "CAMPAIGN_FILE": str(path)}
    run(env, "simulate", "--candidates", "130", "--seed", "7")
    total = json.loads(run(env, "stats", "townships", "--json"))["total"]
    assert total["signed"] == 10 and total["task_round1"] > 36


def test_rehearsal_plans_differ_and_planted_copies_are_caught():
    import random

    from grader.services.simulated_plans import copied, plan_text
    from scoring import similar_pairs

    rng = random.Random(5)
    texts = {f"p{i}": plan_text(rng, "城关镇") for i in range(150)}
    assert similar_pairs(texts, threshold=0.6) == []  # independent plans are not copies
    texts["copy"] = copied(rng, texts["p7"])
    assert texts["copy"].startswith(texts["p7"]) and len(texts["copy"]) > len(texts["p7"])
    assert [(p.a, p.b) for p in similar_pairs(texts, threshold=0.6)] == [("copy", "p7")]


def _login(client, username, password):
    from helpers import csrf_from

    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def test_a_rehearsal_leaves_the_demo_accounts_and_work_for_each_role(tmp_path):
    import io

    from PIL import Image
    from sqlalchemy import func, select

    from grader import create_app
    from grader.db import session_scope
    from grader.models import (Candidate, EvidenceItem, InterviewPanelMember, SpotCheck,
                               Township, User)
    from grader.services.demo import DEMO_CANDIDATE_ID, DEMO_PASSWORDS

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r'}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'r'}-q.db", "STORAGE_DIR": str(tmp_path / "rf"),
           "CAMPAIGN_FILE": str(small_campaign(tmp_path))}
    out = run(env, "simulate", "--candidates", "130", "--seed", "3")
    listed = out.split("accounts to try", 1)[1]
    for user, password in DEMO_PASSWORDS.items():  # every demo account, with its password
        assert f" {user} " in listed and password in listed
    assert "sim-reviewer-0" in listed and "rehearsal" in listed
    assert "left 12 screenshots in the review queue" in out and "8 calls left to county" in out
    app = create_app({**{k: v for k, v in env.items() if k != "CAMPAIGN_FILE"},
                      "TESTING": True, "SECRET_KEY": "test", "LOGIN_LIMIT_ENABLED": False,
                      "CAMPAIGN_FILE": env["CAMPAIGN_FILE"]})
    with session_scope(app) as s:
        users = {u.username: u for u in s.scalars(select(User))}
        assert {"admin", "county", "township", "reviewer", "reviewer2", "interviewer"} <= set(users)
        waiting = s.scalars(select(EvidenceItem).where(EvidenceItem.status == "review")).all()
        assert len(waiting) == 12 and all(i.storage_key for i in waiting)
        shown = s.scalars(select(EvidenceItem).where(EvidenceItem.status == "reject")).first()
        calls = s.scalar(select(func.count()).where(SpotCheck.outcome.is_(None),
                                                    SpotCheck.caller_id == users["county"].id))
        seated = s.scalar(select(func.count()).where(
            InterviewPanelMember.user_id == users["interviewer"].id))
        town = s.scalar(select(Township).where(Township.id == users["township"].township_id))
        mine = s.scalar(select(func.count()).where(Candidate.township_id == town.id))
        assert s.scalar(select(Candidate.stage).where(Candidate.id_number == DEMO_CANDIDATE_ID))
        item_id, shown_id = waiting[0].id, shown.id
    assert calls == 8 and seated == 1 and town.name == "鼓场街道" and mine > 0
    client = app.test_client()
    assert _login(client, "reviewer", DEMO_PASSWORDS["reviewer"]).status_code == 302
    page = client.get("/evidence/review")
    assert page.status_code == 200 and f"/evidence/file/{item_id}" in page.text
    assert "无文件" not in page.text
    for shot in (item_id, shown_id):  # a real image behind the queue's items, any status
        got = client.get(f"/evidence/file/{shot}")
        assert got.status_code == 200 and got.mimetype in ("image/png", "image/jpeg")
        assert Image.open(io.BytesIO(got.data)).size[1] > 600
    client = app.test_client()
    assert _login(client, "township", DEMO_PASSWORDS["township"]).status_code == 302
    assert client.get("/candidates/").status_code == 200


def test_calls_recorded_in_a_batch_get_the_replacements_and_extra_calls_of_single_ones(
        session, campaign, round1_pair, make_user):
    from collections import Counter

    from sqlalchemy import select

    from grader.models import AuditLog, SpotCheck
    from grader.services import calls
    from survey_helpers import fill

    a, b = round1_pair
    fill(session, campaign, a, 14, "04")
    fill(session, campaign, b, 14, "05")
    calls.draw_sample(session, campaign, "x", 5)
    county = make_user("county", "county_staff")
    calls.assign(session, [county])
    said = ["unreachable", "denied", "denied", "denied", "confirmed"]

    def drawn(cand):
        return session.scalars(select(SpotCheck).where(SpotCheck.candidate_id == cand.id)
                               .order_by(SpotCheck.id)).all()

    calls.record_many(session, campaign, county, [
        (call, outcome, {"household_size": "3"}) for call, outcome in zip(drawn(a), said, strict=True)])
    for call, outcome in zip(drawn(b), said, strict=True):
        calls.record(session, campaign, call, county, outcome, {"household_size": "3"})
    batch, single = (Counter(c.reason for c in drawn(x)) for x in (a, b))
    extra = campaign.round1.spot_check.extra_calls
    assert batch == single == {"sample": 5, "replace": 1, "extra": extra}
    phones = [c.form.phone_e164 for c in drawn(a)]
    assert len(set(phones)) == len(phones)  # never the same villager twice
    audited = session.scalars(select(AuditLog.entity_id).where(AuditLog.action == "spot_check"))
    assert Counter(audited) == {a.id: 5, b.id: 5}


def test_reviews_scored_in_a_batch_are_audited_and_call_a_third_when_far_apart(
        session, campaign, round1_pair, make_user):
    from sqlalchemy import select

    from grader.models import AuditLog, Review
    from grader.services import reviews

    a, b = round1_pair
    r1, r2, r3 = (make_user(f"rev{i}", "reviewer") for i in range(3))
    reviews.assign(session, "plan", [reviews.Item(101, a.id, a.township_id),
                                     reviews.Item(102, b.id, b.township_id)], 2)
    keys = [c["key"] for c in reviews.rubric(campaign, "plan")]
    marks = {101: (90, 40), 102: (70, 72)}  # far apart, close
    scored = []
    for item, (x, y) in marks.items():
        two = session.scalars(select(Review).where(Review.item_id == item).order_by(Review.id))
        scored += [(rev, dict.fromkeys(keys, m)) for rev, m in zip(two, (x, y), strict=True)]
    by_id = {u.id: u for u in (r1, r2, r3)}
    assert reviews.score_many(session, campaign, scored, by_id) == 4
    per_item = {i: session.scalars(select(Review.score).where(Review.item_id == i)).all()
                for i in marks}
    assert sorted(per_item[101], key=str) == [40.0, 90.0, None] and len(per_item[102]) == 2
    assert len(session.scalars(select(AuditLog).where(AuditLog.action == "review_plan")).all()) == 4


def test_registrations_in_a_batch_are_numbered_audited_and_refuse_duplicates(
        session, campaign, make_township):
    from sqlalchemy import select

    from grader.models import AuditLog
    from grader.services.registration import (RegistrationError, RegistrationInput, register,
                                              register_many)
    from helpers import ric_for

    town = make_township()

    def person(number, name="张三"):
        return RegistrationInput(name=name, id_number=number, education="high",
                                 township_id=town.id, phone="13800138000",
                                 declarations=dict.fromkeys(campaign.declarations, True),
                                 password="secret123")

    first, second, third = (ric_for(date(1990, 1, d), "011") for d in (1, 2, 3))
    when = campaign.window("registration")[0]
    register(session, campaign, person(first), "online", now=when)
    got = register_many(session, campaign, [(person(first), "online"), (person(second), "onsite"),
                                            (person(second), "wechat"),
                                            (person(third, " "), "online")], now=when)
    assert [g.code if isinstance(g, RegistrationError) else "ok" for g in got] == [
        "duplicate_id", "ok", "duplicate_id", "name_required"]
    cand = got[1].candidate
    assert cand.reg_no == f"2016{cand.id:05d}" and cand.channel == "onsite" and cand.eligible
    audited = session.scalars(select(AuditLog.entity_id).where(AuditLog.action == "register"))
    assert sorted(audited) == sorted([cand.id, cand.id - 1])


def test_a_rehearsal_withdraws_replaces_notifies_imports_and_allocates_at_every_stage(tmp_path):
    """Read from the database what the rehearsal did beside the funnel (not its printed lines)."""
    from collections import Counter

    from sqlalchemy import func, select

    from grader import create_app
    from grader.db import session_scope
    from grader.models import (AuditLog, Candidate, ChannelRecord, DutyPhoto, ExamImport,
                               Objection, OperatorFigure, StationAllocation)
    from grader.models.withdrawal import Notice, NoticeRecipient, ReplacementOffer, Withdrawal
    from grader.services import operator_figures

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x'}.db",
           "QUEUE_URL": f"sqlite:///{tmp_path / 'x'}-q.db", "STORAGE_DIR": str(tmp_path / "xf"),
           "CAMPAIGN_FILE": str(small_campaign(tmp_path))}
    run(env, "simulate", "--candidates", "130", "--seed", "5")
    app = create_app({**env, "TESTING": True, "SECRET_KEY": "test"})
    with session_scope(app) as s:
        gone = s.scalars(select(Withdrawal)).all()
        stages = Counter(w.stage for w in gone)
        assert {"round1", "round2", "interview", "selected"} <= set(stages), stages
        assert len({w.reason for w in gone}) >= 4
        users = dict(s.execute(select(Candidate.id, Candidate.user_id)).all())
        assert any(w.by_id == users[w.candidate_id] and w.reason == "own_request" for w in gone)
        offers = s.scalars(select(ReplacementOffer)).all()
        for stage in ("round1", "round2", "interview", "selected"):
            said = Counter(o.status for o in offers if o.stage == stage)
            assert said["accepted"] >= 2 and said["declined"] >= 1 and said["lapsed"] >= 1, said
            assert said["open"] == 0
            assert said["accepted"] == stages[stage]  # each place left was taken again
        for o in offers:
            if o.status == "accepted":  # the replacement moved into the stage (or beyond)
                assert s.get(Candidate, o.candidate_id).reached(o.stage)
        sent = s.scalars(select(Notice)).all()
        assert {n.audience for n in sent} >= {"round1", "round2", "interview", "selected",
                                              "open_offers"}
        assert all(n.recipients > 0 for n in sent)
        assert s.scalar(select(func.count()).select_from(NoticeRecipient)) == sum(
            n.recipients for n in sent)
        merged = s.scalars(select(ChannelRecord).where(ChannelRecord.channel == "operator")).all()
        own = s.scalar(select(func.count()).where(Candidate.channel == "operator"))
        assert own >= 3 and len(merged) > own  # new ones, and some ours merged
        assert s.scalar(select(func.count()).select_from(OperatorFigure)) > 50
        assert operator_figures.differences(s, app.extensions["grader.campaign"])
        placed = Counter(a.outcome for a in s.scalars(select(StationAllocation)))
        assert placed["own"] > 0 and placed["reassigned"] > 0, placed
        refused = [w for w in gone if w.reason == "no_station"]
        assert refused and all(w.stage == "selected" for w in refused)
        answered = s.scalars(select(Objection)).all()
        assert len(answered) == 2 and all(o.status != "open" and o.answer for o in answered)
        assert s.scalar(select(func.count()).where(AuditLog.action == "accept_id")) >= 1
        assert s.scalar(select(func.count()).where(AuditLog.action == "correct_self")) >= 3
        for kind in ("online_exam", "onsite_test"):  # two score files, advanced after each
            files = s.scalars(select(ExamImport).where(ExamImport.kind == kind)
                              .order_by(ExamImport.id)).all()
            moves = s.scalars(select(AuditLog.at).where(AuditLog.action == f"advance_{kind}"))
            when = Counter(at < files[1].at for at in moves)
            assert len(files) == 2 and when[True] > 0 and when[False] > 0, when
        assert when[True] + when[False] == 36
        assert s.scalar(select(func.count()).select_from(DutyPhoto)) == 2
        signed = s.scalars(select(Candidate.id).where(Candidate.stage == "signed")).all()
        out = set(s.scalars(select(Withdrawal.candidate_id)))
        assert len(signed) == 10 and not out & set(signed)

def _sim_env(tmp_path, name, url=None):
    return {"DATABASE_URL": url or f"sqlite:///{tmp_path / name}.db",
            "QUEUE_URL": f"sqlite:///{tmp_path / name}-q.db",
            "STORAGE_DIR": str(tmp_path / f"{name}-files"),
            "CAMPAIGN_FILE": str(small_campaign(tmp_path))}


def _app_of(env):
    from grader import create_app

    return create_app({**env, "TESTING": True, "SECRET_KEY": "test",
                       "LOGIN_LIMIT_ENABLED": False})


def test_the_plan_appeal_is_filed_before_anyone_leaves_a_later_stage(tmp_path):
    # at 300 candidates, seed 1, the appealing candidate withdraws at a later stage: filed at
    # the end, the appeal was refused (a withdrawn candidate may not appeal) and the run failed
    out = run(_sim_env(tmp_path, "w"), "simulate", "--candidates", "300", "--seed", "1")
    assert "rejected, appealed and upheld: 2 reviews" in out and "signed the selected" in out
    assert out.index("appealed and upheld") < out.index("withdrawals round2")


def test_an_upheld_plan_appeal_leaves_a_plan_to_both_demo_reviewers(tmp_path):
    from sqlalchemy import select

    from grader.db import session_scope
    from grader.models import Appeal, EvidenceItem, Review, User
    from grader.services.demo import DEMO_PASSWORDS
    from helpers import csrf_from

    env = _sim_env(tmp_path, "p")
    out = run(env, "simulate", "--candidates", "130", "--seed", "3")
    assert "signed the selected" in out and "rejected, appealed and upheld: 2 reviews" in out
    left = out.split("work left", 1)[1]
    assert "reviewer " in left and "reviewer2 " in left and "plan reviews on /review/plan" in left
    app = _app_of(env)
    with session_scope(app) as s:
        appeal = s.scalar(select(Appeal))
        assert appeal.status == "upheld"
        plan = s.get(EvidenceItem, appeal.item_id)
        assert plan.task == "plan" and plan.status == "accept"
        names = {u.id: u.username for u in s.scalars(select(User))}
        open_reviews = {names[r.reviewer_id]: r.id for r in s.scalars(select(Review).where(
            Review.item_id == plan.id, Review.score.is_(None)))}
        assert set(open_reviews) == {"reviewer", "reviewer2"}
        plan_id = plan.id
    for user in ("reviewer", "reviewer2"):
        client = app.test_client()
        assert _login(client, user, DEMO_PASSWORDS[user]).status_code == 302
        page = client.get("/review/plan")
        assert f"计划书 #{plan_id}" in page.text
        res = client.post("/review/plan", follow_redirects=True, data={
            "csrf_token": csrf_from(page), "review_id": open_reviews[user], "market": "70",
            "operation": "70", "service": "70", "writing": "70"})
        assert "评分已保存" in res.text  # the round is published, yet the appeal reopened it
    with session_scope(app) as s:
        assert s.scalar(select(Review.score).where(Review.id == open_reviews["reviewer"])) == 70


def test_until_interview_leaves_the_demo_interviewer_interviews_to_score(tmp_path):
    from sqlalchemy import func, select

    from grader.db import session_scope
    from grader.models import Candidate, InterviewScore, InterviewSlot, Ranking
    from grader.services.demo import DEMO_PASSWORDS
    from helpers import csrf_from

    env = _sim_env(tmp_path, "i")
    out = run(env, "simulate", "--candidates", "130", "--seed", "3", "--until", "interview")
    assert "ranking 2: " in out and "scheduled" in out
    assert "ranking interview" not in out and "signed the selected" not in out
    left = out.split("work left", 1)[1]
    assert "interviews to score on /interview/" in left and "plan reviews" in left
    app = _app_of(env)
    with session_scope(app) as s:
        assert s.scalar(select(func.count()).select_from(InterviewScore)) == 0
        assert s.scalar(select(Ranking.id).where(Ranking.round == "interview")) is None
        slotted = s.scalar(select(func.count()).select_from(InterviewSlot))
        assert slotted >= 10 and s.scalar(select(func.count()).where(
            Candidate.stage == "interview")) >= slotted  # slots for people at the stage
    client = app.test_client()
    assert _login(client, "interviewer", DEMO_PASSWORDS["interviewer"]).status_code == 302
    page = client.get("/interview/")
    assert page.status_code == 200
    with session_scope(app) as s:
        from grader.models import User
        from grader.services import interview

        me = s.scalar(select(User).where(User.username == "interviewer"))
        mine = interview.scores_page(s, me)["cands"]
        assert mine, "the demo interviewer has interviews to score"
        first = mine[0].id
    assert f'value="{first}"' in page.text
    res = client.post("/interview/", follow_redirects=True, data={
        "csrf_token": csrf_from(page), "candidate_id": first, "score": "88"})
    assert "面试评分已保存" in res.text
    with session_scope(app) as s:
        assert s.scalar(select(InterviewScore.score).where(
            InterviewScore.candidate_id == first)) == 88


CLOCK = {"checked_at", "decided_at", "scored_at", "assigned_at"}  # the real clock, on some rows


def test_postgresql_stores_the_same_rehearsal_as_sqlite(tmp_path):
    import uuid

    from sqlalchemy import select, text

    from grader.db import make_engine
    from grader.models import EvidenceItem, Review, SurveyForm
    from helpers import PG_URL, pg_schema_url

    schema = f"sim_{uuid.uuid4().hex[:10]}"
    admin, pg_url = make_engine(PG_URL), pg_schema_url(schema)
    try:
        got = {}
        for name, url in (("sq", None), ("pg", pg_url)):
            env = _sim_env(tmp_path, name, url)
            run(env, "simulate", "--candidates", "130", "--seed", "4")
            engine = make_engine(env["DATABASE_URL"])
            with engine.connect() as conn:
                got[name] = {model.__name__: [tuple(row) for row in conn.execute(
                    select(*[c for c in model.__table__.c if c.name not in CLOCK])
                    .order_by(model.id))] for model in (EvidenceItem, SurveyForm, Review)}
            engine.dispose()
        for table, rows in got["sq"].items():
            assert len(rows) == len(got["pg"][table]) > 100, table
            for mine, theirs in zip(rows[::37], got["pg"][table][::37], strict=True):
                assert mine == theirs, (table, [i for i, (a, b) in enumerate(
                    zip(mine, theirs, strict=True)) if a != b])  # a sample, column by column
            assert rows[-1] == got["pg"][table][-1], table
        forms = got["pg"]["SurveyForm"]  # checked before the insert: numbers and verdicts set
        assert all(r[5] and r[5].startswith("+86") and r[13] is True for r in forms)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
