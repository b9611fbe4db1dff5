"""Bulk inserts: COPY on PostgreSQL, executemany on SQLite, the same stored rows either way."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from grader.models import SurveyForm
from grader.services.bulk import insert_rows


def test_rows_keep_their_values_and_get_the_models_defaults(session, make_township,
                                                            make_candidate):
    cand = make_candidate(make_township())
    at = datetime(2016, 5, 27, 9, 30, tzinfo=UTC)
    rows = [{"candidate_id": cand.id, "name": f"户主{i}", "phone_raw": "13800138000",
             "answers": {"备注": "种核桃", "n": i}, "flags": ["phone_other_candidate"] if i else [],
             "valid": not i, "source": "import", "created_at": at} for i in range(3)]
    rows.append({"candidate_id": cand.id, "name": "默认", "source": "form"})  # defaults filled
    assert insert_rows(session, SurveyForm, rows) == 4
    session.expire_all()
    got = session.scalars(select(SurveyForm).order_by(SurveyForm.id)).all()
    assert [(f.name, f.answers, f.flags, f.valid, f.created_at) for f in got[:3]] == [
        (f"户主{i}", {"备注": "种核桃", "n": i}, ["phone_other_candidate"] if i else [], not i, at)
        for i in range(3)]
    last = got[3]
    assert (last.phone_raw, last.answers, last.flags, last.hints, last.valid) == (
        "", {}, [], [], False)
    assert last.created_at.tzinfo is not None and last.client_key is None


def test_rows_go_back_with_a_rolled_back_savepoint(session, make_township, make_candidate):
    cand = make_candidate(make_township())
    savepoint = session.begin_nested()
    insert_rows(session, SurveyForm, [{"candidate_id": cand.id, "name": "甲"}])
    assert session.scalar(select(func.count()).select_from(SurveyForm)) == 1
    savepoint.rollback()
    assert session.scalar(select(func.count()).select_from(SurveyForm)) == 0
    assert insert_rows(session, SurveyForm, []) == 0
