"""Migration 0004 carries panel members, shared-number decisions, report photos and member links
from their old shapes (JSON lists, hint strings, audit-log rows) into tables, and back."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from helpers import database_at
from grader import migrate

AT = datetime(2016, 6, 3, 2, 0, tzinfo=UTC)
SHA = "ab" * 32
KEY = f"ab/ab/{SHA}"
PHONE = "+8613900000001"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, tmp_path):
    """A database migrated to 0003 only; dropped afterwards."""
    with database_at(request.param, tmp_path, "0003") as eng:
        yield eng


def _insert(conn, table: str, **values) -> None:
    """Insert one row by column name into a table as the database has it."""
    tab = sa.Table(table, sa.MetaData(), autoload_with=conn)
    conn.execute(tab.insert().values(**values))


def _old_rows(conn) -> None:
    """Write rows in 0003's shape: JSON members and photos, a decision hint, audited links."""
    _insert(conn, "township", id=1, code="T1", name="城关镇", target=5)
    for uid, role in ((1, "county_staff"), (2, "interviewer"), (3, "interviewer")):
        _insert(conn, "user_account", id=uid, username=f"u{uid}", password_hash="x", role=role,
                display_name="", active=True, created_at=AT)
    for cid, name in ((1, "张三"), (2, "李四")):
        _insert(conn, "candidate", id=cid, reg_no=f"R{cid}", township_id=1, name=name,
                id_number=f"11010119900101{cid:04d}", sex="M", birthdate=date(1990, 1, 1),
                education="high", channel="online", declarations={}, eligible=True,
                eligibility_reasons=[], stage="round2", registered_at=AT)
    _insert(conn, "interview_panel", id=1, name="一组", members=[2, 3, 99])  # 99: no such user
    _insert(conn, "interview_slot", id=1, panel_id=1, candidate_id=2, starts_at=AT)  # points in
    _insert(conn, "daily_report", id=1, candidate_id=1, day=1, text="走访", orders=0,
            sales_yuan=0.0, villagers_served=0, app_activations=0, photos=[KEY, KEY, "cd/ef/x"],
            submitted_at=AT, lateness="on_time")
    for fid, cid, word in ((1, 1, "keep"), (2, 2, "other")):
        _insert(conn, "survey_form", id=fid, candidate_id=cid, name="", phone_raw=PHONE,
                phone_e164=PHONE, village="", answers={}, flags=[], valid=cid == 1,
                hints=["too_fast", f"phone_decision:{word}"], source="form", created_at=AT)
    _insert(conn, "audit_log", id=1, at=AT, user_id=1, action="resolve_shared_phone",
            entity="candidate", entity_id=1, field="survey_form:1", reason="户主确认")
    for aid, action, cid, before, after in ((2, "link_group_member", 1, None, "阳光小张"),
                                            (3, "link_group_member", 2, None, "阿强"),
                                            (4, "unlink_group_member", 2, "阿强", None)):
        _insert(conn, "audit_log", id=aid, at=AT, user_id=1, action=action, entity="candidate",
                entity_id=cid, field="group_member", before=before, after=after)
    _insert(conn, "group_activity", candidate_id=1, member="阳光小张", day=1, count=2,
            source="wechat", batch="b1")


def _rows(conn, sql: str) -> list[tuple]:
    """Return the rows of a query as plain tuples."""
    return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_the_upgrade_carries_old_facts_into_the_link_tables(old_db):
    with old_db.begin() as conn:
        _old_rows(conn)
    migrate.upgrade(old_db)
    with old_db.connect() as conn:
        assert _rows(conn, "SELECT panel_id, user_id FROM interview_panel_member "
                           "ORDER BY user_id") == [(1, 2), (1, 3)]
        assert _rows(conn, "SELECT report_id, position, sha256, storage_key, size "
                           "FROM report_photo ORDER BY position") == [
            (1, 0, SHA, KEY, None), (1, 1, "x", "cd/ef/x", None)]
        assert _rows(conn, "SELECT phone_e164, keeper_id, last_form_id, decided_by_id, reason "
                           "FROM shared_phone_decision") == [(PHONE, 1, 2, 1, "户主确认")]
        hints = sa.table("survey_form", sa.column("hints", sa.JSON), sa.column("id"))
        assert conn.execute(sa.select(hints.c.hints).order_by(hints.c.id)).scalars().all() == [
            ["too_fast"], ["too_fast"]]
        assert _rows(conn, "SELECT member, candidate_id, linked, linked_by_id "
                           "FROM group_member_link ORDER BY member") == [
            ("阳光小张", 1, True, 1), ("阿强", 2, False, 1)]
        columns = {c["name"] for c in sa.inspect(conn).get_columns("interview_panel")}
        assert "members" not in columns


def test_the_downgrade_puts_the_facts_back(old_db):
    with old_db.begin() as conn:
        _old_rows(conn)
    migrate.upgrade(old_db)
    migrate.downgrade(old_db, "0003")
    with old_db.connect() as conn:
        def column(table, name):
            return conn.execute(sa.select(sa.table(table, sa.column(name, sa.JSON),
                                                   sa.column("id")).c[name])
                                .order_by(sa.column("id"))).scalars().all()

        assert column("interview_panel", "members") == [[2, 3]]
        assert column("daily_report", "photos") == [[KEY, "cd/ef/x"]]
        assert column("survey_form", "hints") == [["too_fast", "phone_decision:keep"],
                                                  ["too_fast", "phone_decision:other"]]
        assert not sa.inspect(conn).has_table("group_member_link")
