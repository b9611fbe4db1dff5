"""Score imports keep their good rows; advancement takes later batches of scores."""

import io
import re

import pytest
from sqlalchemy import select

from grader.models import AuditLog, TableUpload
from grader.services import exams, staged
from grader.services.tables import TableError, write_csv
from helpers import client_as, csrf_from


def scores(pairs):
    return write_csv(["身份证号", "成绩"], [[i, s] for i, s in pairs])


def test_unknown_and_ineligible_rows_are_listed_and_the_rest_imported(session, make_township,
                                                                       make_candidate):
    town = make_township()
    good, low = make_candidate(town), make_candidate(town, education="junior")
    moved = make_candidate(town)
    moved.stage = "round1"
    session.commit()
    data = scores([(good.id_number, "81.5"), (low.id_number, "90"), (moved.id_number, "70"),
                   ("110101199001010011", "60"), (good.id_number, "80")])
    found = exams.check_scores(session, "online_exam", "s.csv", data, 10**6)
    assert [(n, c.id, s) for n, c, s in found.good] == [(2, good.id, 81.5)]
    assert [(e.row, e.code) for e in found.refused] == [
        (3, "candidate_ineligible"), (4, "not_at_this_stage"), (5, "unknown_candidate"),
        (6, "duplicate_row")]
    result = exams.import_scores(session, "online_exam", "s.csv", data, None, 10**6,
                                 exams.scores_fingerprint(found))
    assert (result.applied, len(result.errors)) == (1, 4)
    session.refresh(low)
    assert (good.online_exam_score, low.online_exam_score) == (81.5, None)


def test_a_changed_file_state_since_the_preview_imports_nothing(session, make_township,
                                                               make_candidate):
    town = make_township()
    a, b = make_candidate(town), make_candidate(town)
    data = scores([(a.id_number, "50"), (b.id_number, "60")])
    printed = exams.scores_fingerprint(exams.check_scores(session, "online_exam", "s", data, 10**6))
    b.eligible = False  # an eligibility override between the preview and the confirmation
    session.commit()
    with pytest.raises(exams.ExamError) as err:
        exams.import_scores(session, "online_exam", "s.csv", data, None, 10**6, printed)
    assert err.value.code == "import_changed"
    session.refresh(a)
    assert a.online_exam_score is None


def test_a_malformed_file_is_still_refused_whole(session, make_township, make_candidate):
    cand = make_candidate(make_township())
    data = write_csv(["身份证号", "分值"], [[cand.id_number, "50"]])
    with pytest.raises(TableError) as err:
        exams.import_scores(session, "online_exam", "s.csv", data, None, 10**6)
    assert err.value.code == "missing_column"


def test_a_staged_upload_is_confirmed_once(session, make_township, make_candidate, tmp_path):
    from uploads.storage import FileStorage

    cand, storage = make_candidate(make_township()), FileStorage(tmp_path)
    upload = staged.stage(session, storage, "online_exam", "s.csv",
                          scores([(cand.id_number, "66")]), None)
    got, data = staged.waiting(session, storage, upload.id, "online_exam")
    assert exams.import_scores(session, "online_exam", got.filename, data, None, 10**6).applied == 1
    staged.applied(got, 1)
    with pytest.raises(staged.StagedError) as err:
        staged.waiting(session, storage, upload.id, "online_exam")
    assert err.value.code == "upload_applied"
    with pytest.raises(staged.StagedError) as err:
        staged.waiting(session, storage, upload.id, "onsite_test")  # another purpose
    assert err.value.code == "upload_unknown"


@pytest.fixture
def sitting(session, make_township, make_candidate):
    """Six candidates at the on-site test, registered in order."""
    town = make_township()
    people = [make_candidate(town, name=f"考生{i}") for i in range(6)]
    for p in people:
        p.stage = "onsite_test"
    session.commit()
    return people


def give(session, people, marks):
    for p, m in zip(people, marks, strict=True):
        p.onsite_test_score = m
    session.commit()


def test_a_later_batch_fills_only_the_places_left_open(session, set_campaign, sitting):
    campaign = set_campaign(onsite_test={"advance": 3})
    give(session, sitting[:2], [70, 60])
    first = exams.plan_advance(session, campaign, "onsite_test")
    assert (first.unscored, len(first.advancing), first.open_places) == (4, 2, 3)
    assert exams.apply_advance(session, first, None, exams.fingerprint(first)) == 2
    give(session, sitting[2:5], [95, 80, 50])  # the second batch: one better than everyone
    later = exams.plan_advance(session, campaign, "onsite_test")
    assert (later.earlier, later.open_places, later.unscored) == (2, 1, 1)
    assert [c.id for c in later.advancing] == [sitting[2].id]  # the best of the new scores
    assert exams.apply_advance(session, later, None, exams.fingerprint(later)) == 1
    stages = [p.stage for p in sitting]
    assert stages == ["round1", "round1", "round1", "onsite_test", "onsite_test", "onsite_test"]
    give(session, sitting[5:], [99])  # all three places are taken: nobody is demoted
    last = exams.plan_advance(session, campaign, "onsite_test")
    assert (last.advancing, last.open_places) == ([], 0)
    with pytest.raises(exams.ExamError, match="already"):
        exams.apply_advance(session, last, None)
    moves = session.scalars(select(AuditLog.entity_id).where(
        AuditLog.action == "advance_onsite_test")).all()
    assert sorted(moves) == sorted(p.id for p in sitting[:3])


def test_under_a_pass_mark_every_batch_advances_who_passes(session, campaign, make_township,
                                                           make_candidate):
    town = make_township()
    a, b, c = (make_candidate(town) for _ in range(3))
    a.online_exam_score = 75
    session.commit()
    first = exams.plan_advance(session, campaign, "online_exam")
    assert (first.unscored, first.open_places) == (2, None)
    assert exams.apply_advance(session, first, None) == 1
    b.online_exam_score, c.online_exam_score = 61, 40
    session.commit()
    later = exams.plan_advance(session, campaign, "online_exam")
    assert [x.id for x in later.advancing] == [b.id] and later.earlier == 1
    assert exams.apply_advance(session, later, None) == 1
    assert (a.stage, b.stage, c.stage) == ("onsite_test", "onsite_test", "registered")


def test_the_stale_preview_of_a_batch_applies_nothing(session, set_campaign, sitting):
    campaign = set_campaign(onsite_test={"advance": 2})
    give(session, sitting[:2], [70, 60])
    preview = exams.plan_advance(session, campaign, "onsite_test")
    printed = exams.fingerprint(preview)
    exams.apply_advance(session, exams.plan_advance(session, campaign, "onsite_test"), None)
    with pytest.raises(exams.ExamError):  # the same preview confirmed a second time
        exams.apply_advance(session, exams.plan_advance(session, campaign, "onsite_test"), None,
                            printed)


def test_the_page_warns_of_unscored_candidates_and_states_the_rule(app, session, set_campaign,
                                                                   make_user, sitting):
    set_campaign(onsite_test={"advance": 3})
    make_user("county", "county_staff")
    give(session, sitting[:2], [70, 60])
    page = client_as(app, "county").get("/exams/onsite_test/advance").text
    assert "本阶段还有 4 人没有成绩" in page
    assert "名额共 3 个" in page and "已晋级的人保留名额" in page
    assert "本阶段还有 4 人没有成绩，并写入审计日志" in page  # in the confirmation's words


def test_the_import_page_previews_then_imports_the_good_rows(app, session, make_user,
                                                             make_township, make_candidate):
    town = make_township()
    good, bad = make_candidate(town), make_candidate(town, education="junior")
    make_user("county", "county_staff")
    client = client_as(app, "county")
    page = client.get("/exams/online_exam")
    data = scores([(good.id_number, "88"), (bad.id_number, "90")])
    res = client.post("/exams/online_exam", data={"file": (io.BytesIO(data), "s.csv"),
                                                  "csrf_token": csrf_from(page)})
    assert "可导入 1 行，不导入 1 行" in res.text and "该考生资格审核未通过" in res.text
    form = dict(re.findall(r'id="(upload_id|fingerprint)" name="\1" type="hidden" value="(\w+)"',
                           res.text))
    done = client.post("/exams/online_exam/confirm", follow_redirects=True,
                       data={"csrf_token": csrf_from(res), **form})
    assert "已导入 1 条成绩，1 行未导入" in done.text
    session.refresh(good)
    assert good.online_exam_score == 88
    again = client.post("/exams/online_exam/confirm", follow_redirects=True,
                        data={"csrf_token": csrf_from(res), **form})
    assert "这个文件已经导入过了" in again.text
    assert session.scalar(select(TableUpload.applied_rows)) == 1


def test_a_batch_another_confirmation_moved_on_meanwhile_applies_nothing(session, set_campaign,
                                                                         sitting):
    from sqlalchemy import update

    from grader.models import Candidate

    campaign = set_campaign(onsite_test={"advance": 2})
    give(session, sitting[:2], [70, 60])
    plan = exams.plan_advance(session, campaign, "onsite_test")
    # another request confirmed and committed the same list: the rows moved, our objects not
    session.execute(update(Candidate).where(Candidate.id == sitting[0].id)
                    .values(stage="round1").execution_options(synchronize_session=False))
    assert sitting[0].stage == "onsite_test"
    with pytest.raises(exams.ExamError) as err:
        exams.apply_advance(session, plan, None)
    assert err.value.code == "plan_changed"
    assert session.scalars(select(AuditLog).where(AuditLog.action == "advance_onsite_test")).all() == []
