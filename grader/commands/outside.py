"""Imports of outside data: the operator site's registrations and its daily trial figures."""

import json
from pathlib import Path

import click

from grader import create_app, migrate
from grader.db import session_scope

MAX_BYTES = 50 << 20


def _read_file(path: str) -> bytes:
    """Return the file's bytes, or a usage error."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from exc


def _mapping(headers: list[str], guessed: dict[str, str], pairs: tuple[str, ...]) -> dict:
    """Return the guessed mapping with each `--map HEADER=FIELD` applied (FIELD empty: skip)."""
    from grader.services.outside_registrations import FIELDS

    mapping = dict(guessed)
    for pair in pairs:
        header, sep, name = pair.partition("=")
        if not sep or header not in headers:
            raise click.UsageError(f"--map {pair!r}: expected HEADER=FIELD with a header of the "
                                   f"file ({', '.join(headers)})")
        if name and name not in FIELDS:
            raise click.UsageError(f"--map {pair!r}: the field must be one of {', '.join(FIELDS)}")
        mapping = {h: f for h, f in mapping.items() if f != name or not name}
        mapping[header] = name
    return {h: f for h, f in mapping.items() if f}


def _echo(summary: dict, as_json: bool) -> None:
    """Print the summary as JSON or as lines for a person."""
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for key, value in summary.items():
        if key != "rows":
            click.echo(f"{key}: {value}")
    for row in summary.get("rows", []):
        click.echo(f"row {row['row']}: {row['outcome']} {', '.join(row['reasons'])}".rstrip())


@click.group("import")
def import_group() -> None:
    """Import outside data (a dry run unless --apply)."""


@import_group.command("registrations")
@click.argument("path", metavar="FILE")
@click.option("--map", "pairs", multiple=True, metavar="HEADER=FIELD",
              help="Map a column of the file to a field (name, id_number, phone, township, "
                   "education, email); FIELD empty leaves the column out. Common Chinese "
                   "headers are guessed.")
@click.option("--declared", is_flag=True,
              help="The operator's site asked for the campaign's declarations on its form.")
@click.option("--apply", "do_apply", is_flag=True, help="Save the rows (default: preview only).")
@click.option("--json", "as_json", is_flag=True)
def import_registrations(path: str, pairs: tuple[str, ...], declared: bool, do_apply: bool,
                         as_json: bool) -> None:
    """Import registrations from the operator site's export, merged by ID number."""
    from grader.services import outside_registrations as service
    from grader.services.tables import TableError

    data, app = _read_file(path), create_app()
    migrate.upgrade(app.extensions["grader.engine"])
    campaign = app.extensions["grader.campaign"]
    try:
        headers = service.file_headers(path, data, MAX_BYTES)
        mapping = _mapping(headers, service.guess_mapping(headers), pairs)
        with session_scope(app) as session:
            plan = service.plan_registrations(session, campaign, path, data, mapping, MAX_BYTES,
                                              declared)
            if do_apply:
                service.apply_registrations(session, campaign, plan, None)
    except TableError as exc:
        raise click.UsageError(f"{exc.code}: {exc}") from exc
    _echo({"file": path, "applied": do_apply, "mapping": mapping,
           "new": plan.count(service.NEW), "merged": plan.count(service.MERGED),
           "refused": plan.count(service.REFUSED),
           "rows": [{"row": r.row, "outcome": r.outcome, "reasons": r.reasons}
                    for r in plan.rows if r.outcome == service.REFUSED or r.reasons]}, as_json)


@import_group.command("figures")
@click.argument("path", metavar="FILE")
@click.option("--apply", "do_apply", is_flag=True, help="Store the rows (default: preview only).")
@click.option("--json", "as_json", is_flag=True)
def import_figures(path: str, do_apply: bool, as_json: bool) -> None:
    """Import the operator's daily trial figures as the figures of record."""
    from grader.services import operator_figures as service
    from grader.services.tables import TableError

    data, app = _read_file(path), create_app()
    migrate.upgrade(app.extensions["grader.engine"])
    campaign = app.extensions["grader.campaign"]
    try:
        with session_scope(app) as session:
            if do_apply:
                result = service.import_figures(session, campaign, path, data, None, MAX_BYTES)
                good, refused = result.applied, result.errors
            else:
                found = service.check_figures(session, campaign, path, data, MAX_BYTES)
                good, refused = len(found.good), found.refused
    except (TableError, service.FigureError) as exc:
        raise click.UsageError(f"{exc.code}: {exc}") from exc
    rows = sorted({e.row for e in refused})
    _echo({"file": path, "applied": do_apply, "rows_of_record": good, "refused": len(rows),
           "rows": [{"row": n, "outcome": "refused",
                     "reasons": [e.code for e in refused if e.row == n]} for n in rows]}, as_json)


COMMANDS = (import_group,)
