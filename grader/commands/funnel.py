"""Commands about the whole funnel: a rehearsal and the township statistics."""

import json
import random
import time

import click
from sqlalchemy import func, select

from grader import create_app, migrate
from grader.db import session_scope
from grader.models import Candidate


def _empty_database(app, reset: bool) -> None:
    """Start the rehearsal from an empty database (wiping only when allowed)."""
    engine = app.extensions["grader.engine"]
    migrate.upgrade(engine)
    with session_scope(app) as session:
        used = session.scalar(select(func.count()).select_from(Candidate))
    if not used:
        return
    embedded = engine.url.get_backend_name() == "sqlite" and app.instance_path in str(engine.url)
    if not (reset or embedded):
        raise click.UsageError("the database already holds registrations; pass --reset to wipe "
                               "it, or point DATABASE_URL at an empty database")
    click.echo(f"simulate: wiping {used} registrations from {engine.url} first", err=True)
    migrate.downgrade(engine, "base")
    migrate.upgrade(engine)


@click.command("simulate")
@click.option("--candidates", "n", default=2000, show_default=True, type=int)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--ocr", default=0, show_default=True, type=int,
              help="Real generated screenshots per candidate checked with OCR.")
@click.option("--reset", is_flag=True, help="Wipe a database that already holds data.")
@click.option("--until", default="signed", show_default=True,
              type=click.Choice(["round1", "round2", "interview", "signed"]),
              help="Stop after this stage (interview: scheduled, not yet scored).")
def simulate(n: int, seed: int, ocr: int, reset: bool, until: str) -> None:
    """Rehearse a whole campaign with synthetic people through every stage."""
    from grader.services import simulation
    from uploads.storage import FileStorage

    if n < 1 or ocr < 0:
        raise click.UsageError("--candidates must be positive and --ocr not negative")
    app = create_app()
    _empty_database(app, reset)
    began = time.time()
    with app.app_context(), session_scope(app) as session:
        rehearsal = simulation.Rehearsal(
            session, FileStorage(app.config["STORAGE_DIR"]), app.extensions["grader.campaign"],
            random.Random(seed), echo=lambda line: click.echo(
                f"simulate: [{time.time() - began:5.0f} s] {line}"))
        simulation.run(rehearsal, n, ocr, until)
        left = simulation.accounts(rehearsal)
        work = simulation.work_left(rehearsal)
    app.extensions["grader.engine"].dispose()  # close the pool's connections now, not at exit
    click.echo(f"simulate: done in {time.time() - began:.0f} s")
    click.echo("simulate: accounts to try (role, user, password):")
    for role, user, password in left:
        click.echo(f"  {role:22} {user:20} {password}")
    click.echo("simulate: work left (user, work, count):")
    for user, what, count in work:
        click.echo(f"  {user:26} {what:36} {count}")


@click.group("stats")
def stats_group() -> None:
    """Statistics tables."""


@stats_group.command("townships")
@click.option("--json", "as_json", is_flag=True)
def stats_townships(as_json: bool) -> None:
    """Print the per-township table (招募人数统计表) with totals per stage."""
    from grader.services.townships import statistics, totals

    app = create_app()
    migrate.upgrade(app.extensions["grader.engine"])
    with session_scope(app) as session:
        rows = statistics(session)
    total = totals(rows)
    keys = {"registered": "registered", "sat_exam": "sat_exam", "task_round1": "round1",
            "task_round2": "round2", "interview": "interview", "signed": "signed"}
    out = {"townships": rows, "total": {k: total[v] for k, v in keys.items()} | {
        "target": total["target"], "eligible": total["eligible"]}}
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['township']:<8} {row['target']:>5} {row['registered']:>6} "
                   f"{row['sat_exam']:>6} {row['round1']:>5} {row['signed']:>5}")
    click.echo(" ".join(f"{k}={v}" for k, v in out["total"].items()))


COMMANDS = [simulate, stats_group]
