"""Migration 0013 (outside data) upgrades over existing rows and downgrades cleanly."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from grader import migrate
from helpers import database_at

AT = datetime(2016, 5, 4, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_at_0010(request, tmp_path):
    """A database migrated to 0010 only; dropped afterwards."""
    with database_at(request.param, tmp_path, "0010") as eng:
        yield eng


def add_candidate(conn, cid: int, channel: str) -> None:
    meta = sa.MetaData()
    town = sa.Table("township", meta, autoload_with=conn)
    cand = sa.Table("candidate", meta, autoload_with=conn)
    if conn.execute(sa.select(town.c.id)).first() is None:
        conn.execute(town.insert().values(id=1, code="01", name="城关镇", target=5))
    conn.execute(cand.insert().values(
        id=cid, reg_no=f"2016{cid:05d}", township_id=1, name="甲", id_number=f"1401211992031500{cid:02d}",
        sex="M", birthdate=date(1992, 3, 15), education="high", channel=channel, declarations={},
        eligible=True, eligibility_reasons=[], stage="registered", registered_at=AT))


def test_the_operator_channel_arrives_and_leaves_with_the_revision(db_at_0010):
    with db_at_0010.begin() as conn:
        add_candidate(conn, 1, "online")
    with pytest.raises(IntegrityError), db_at_0010.begin() as conn:
        add_candidate(conn, 2, "operator")  # 0010 knows no operator channel
    migrate.upgrade(db_at_0010)
    with db_at_0010.begin() as conn:
        add_candidate(conn, 3, "operator")
        conn.execute(sa.text("INSERT INTO channel_record (candidate_id, channel, recorded_at) "
                             "VALUES (1, 'operator', :at)"), {"at": AT})
        conn.execute(sa.text("INSERT INTO operator_figure (candidate_id, day, orders, sales_yuan, "
                             "villagers_served, app_activations, imported_at) "
                             "VALUES (3, 1, 2, 10.5, 3, 1, :at)"), {"at": AT})
    with pytest.raises(IntegrityError), db_at_0010.begin() as conn:
        conn.execute(sa.text("INSERT INTO channel_record (candidate_id, channel, recorded_at) "
                             "VALUES (1, 'fax', :at)"), {"at": AT})
    migrate.downgrade(db_at_0010, "0010")
    with db_at_0010.connect() as conn:
        channels = conn.execute(sa.text("SELECT id, channel FROM candidate ORDER BY id")).all()
        tables = set(sa.inspect(conn).get_table_names())
    assert [tuple(r) for r in channels] == [(1, "online"), (3, "online")]
    assert not {"channel_record", "operator_figure", "table_upload"} & tables
    migrate.upgrade(db_at_0010)  # and up again
