"""Migration 0012 (stations, villages, duty photos): up and down on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, insert, select, table, column, Integer, String

from grader import migrate
from grader.db import Base
from helpers import database_at

NEW_TABLES = {"station_site", "station_allocation", "village", "duty_photo"}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0012_upgrades_keeps_townships_and_downgrades(backend, tmp_path):
    with database_at(backend, tmp_path, "0010") as eng:
        town = table("township", column("id", Integer), column("code", String),
                     column("name", String), column("target", Integer))
        with eng.begin() as conn:
            conn.execute(insert(town).values(id=1, code="01", name="城关镇", target=60))
        migrate.upgrade(eng, "0012")
        assert NEW_TABLES <= set(inspect(eng).get_table_names())
        with eng.connect() as conn:
            row = conn.execute(select(table("township", column("name"), column("responsible"),
                                            column("lat")))).one()
            assert tuple(row) == ("城关镇", "", None)
        migrate.upgrade(eng)  # the models describe the head: compare there
        with eng.connect() as conn:
            diff = [d for d in compare_metadata(MigrationContext.configure(conn), Base.metadata)
                    if _about_new_tables(d)]
        assert diff == [], diff  # the models and the migration agree on the new tables
        migrate.downgrade(eng, "0010")
        assert not NEW_TABLES & set(inspect(eng).get_table_names())
        assert "responsible" not in {c["name"] for c in inspect(eng).get_columns("township")}
        with eng.connect() as conn:
            assert conn.execute(select(town.c.name)).scalar() == "城关镇"


def _about_new_tables(d) -> bool:
    """Keep differences that concern the tables and columns 0012 adds."""
    text = repr(d)
    return any(name in text for name in (*NEW_TABLES, "'responsible'", "'lat'", "'lng'"))
