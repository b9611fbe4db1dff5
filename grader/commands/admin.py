"""Commands that run and administer the platform."""

import logging
import time

import click
from flask import Flask
from sqlalchemy import inspect

from grader import create_app, migrate
from grader.db import session_scope
from grader.models import ROLES, Township, User
from grader.models.states import Role


def ensure_database(app: Flask) -> None:
    """Create and migrate the database when it is empty or behind."""
    migrate.upgrade(app.extensions["grader.engine"])


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="In-process queue workers.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app with an in-process queue worker."""
    from grader import jobs

    app = create_app()
    ensure_database(app)
    consumer = jobs.start_consumer(workers)
    click.echo(f"grader: serving on http://{host}:{port} (database {app.config['DATABASE_URL']})")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        consumer.stop(graceful=True)


@click.command("worker")
@click.option("--workers", default=1, show_default=True, type=int)
def worker(workers: int) -> None:
    """Run a queue worker only (scale out by starting more, on any machine)."""
    from grader import jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    create_app()
    consumer = jobs.start_consumer(workers)
    click.echo(f"grader: worker running with {workers} thread(s); Ctrl-C stops it")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        consumer.stop(graceful=True)


@click.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    app = create_app()
    ensure_database(app)
    tables = inspect(app.extensions["grader.engine"]).get_table_names()
    click.echo(f"database at head ({len(tables)} tables)")


@click.command("createuser")
@click.argument("username")
@click.option("--role", type=click.Choice([role.value for role in ROLES]), required=True)
@click.option("--township", default=None,
              help="Township name or code: township staff must give one; a reviewer or"
              " interviewer may, and is then never given that township's work.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.password_option("--password", help="Password (asked for when not given).")
def createuser(username, role, township, display_name, password) -> None:
    """Create an account with a role."""
    from grader.services.accounts import AccountError, create_user

    app = create_app()
    ensure_database(app)
    try:
        with session_scope(app) as session:
            user = create_user(session, username, password, role, township, display_name)
            click.echo(f"created {user.role} {user.username}"
                       + (f" of {user.township.name}" if user.township else ""))
            if user.role == Role.REVIEWER:
                from grader.services.reviews import top_up_all

                added = top_up_all(session, app.extensions["grader.campaign"])
                click.echo(f"assigned {added} open review(s) that lacked a reviewer")
    except AccountError as exc:
        raise click.UsageError(str(exc)) from exc


@click.command("demo")
@click.option("--candidates", default=300, show_default=True, type=int)
@click.option("--seed", default=2016, show_default=True, type=int)
def demo(candidates: int, seed: int) -> None:
    """Load the demo campaign: townships, one account per role, registrations."""
    from grader.services.demo import load_demo

    app = create_app()
    ensure_database(app)
    with session_scope(app) as session:
        if session.query(Township).count():
            click.echo("demo: the database already holds townships; nothing loaded")
            _print_accounts(session)
            return
        load_demo(session, app.extensions["grader.campaign"], candidates, seed)
        click.echo(f"demo: loaded {candidates} registrations")
        _print_accounts(session)


def _print_accounts(session) -> None:
    """Print the demo credentials."""
    from grader.services.demo import DEMO_PASSWORDS

    for user in session.query(User).filter(User.username.in_(DEMO_PASSWORDS)).order_by(User.id):
        click.echo(f"  {user.role:15} {user.username:12} {DEMO_PASSWORDS[user.username]}")


COMMANDS = [serve, worker, db_group, createuser, demo]
