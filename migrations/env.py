"""Alembic environment: the URL comes from the caller (grader.migrate) or DATABASE_URL."""

from alembic import context

from grader.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run the migrations on a connection handed over by grader.migrate."""
    connection = config.attributes.get("connection")
    if connection is None:
        from grader.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:
    """Configure the context and migrate."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
