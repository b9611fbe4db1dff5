"""Run Alembic migrations programmatically (tests build the schema this way too)."""

from collections.abc import Callable

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine

from grader import ROOT


def alembic_config(url: str) -> AlembicConfig:
    """Build the Alembic configuration for a database URL."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Migrate the database behind the engine to the revision."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Downgrade the database behind the engine."""
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step: Callable[[AlembicConfig, str], None], revision: str) -> None:
    """Run one Alembic command in one transaction.

    SQLite rebuilds a table to change its constraints (Alembic's batch mode), which drops the
    old table: foreign keys are switched off meanwhile, as SQLite's own ALTER TABLE guide
    says, and checked before the transaction commits.
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a pragma, outside any transaction (it is ignored inside one)
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if sqlite:
                    _refuse_broken_keys(conn)
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _refuse_broken_keys(conn: Connection) -> None:
    """Fail the migration (rolled back) if any row points at a row that is not there."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} broken foreign keys: {broken[:5]}")
