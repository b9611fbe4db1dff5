"""Commands over the evidence already stored: re-run the checker to find what it now catches."""

import json
from datetime import date, datetime, time

import click

from grader import create_app
from grader.db import session_scope
from grader.models.base import SHANGHAI


@click.command("recheck")
@click.option("--task", type=click.Choice(["wechat_share", "app_download"]), required=True)
@click.option("--since", "since_text", required=True,
              help="Recheck items submitted on or after this day (YYYY-MM-DD, campaign time).")
@click.option("--apply", "apply_changes", is_flag=True,
              help="Store the new verdicts of items the machine decided (audited). "
                   "Without it nothing changes.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary and changes as JSON.")
def recheck(task: str, since_text: str, apply_changes: bool, as_json: bool) -> None:
    """Re-run today's screenshot checker over items already checked and say what would change."""
    from grader.services import recheck as service
    from uploads.storage import FileStorage

    try:
        since = datetime.combine(date.fromisoformat(since_text), time(), tzinfo=SHANGHAI)
    except ValueError as exc:
        raise click.UsageError(f"--since must be a day like 2016-06-01, not {since_text!r}") \
            from exc
    app = create_app()

    def progress(done: int, total: int) -> None:
        if done % 25 == 0 or done == total:
            click.echo(f"recheck: {done}/{total} read", err=True)

    with app.app_context(), session_scope(app) as session:
        report = service.recheck(session, FileStorage(app.config["STORAGE_DIR"]),
                                 app.extensions["grader.campaign"], task, since,
                                 apply=apply_changes, progress=progress)
        if not apply_changes:
            session.rollback()
    summary = report.to_dict()
    if as_json:
        click.echo(json.dumps({**summary, "changes": [c.to_dict() for c in report.changes]},
                              ensure_ascii=False))
        return
    click.echo(f"rechecked {summary['rechecked']} {task} items submitted since {since_text} "
               f"with checker {summary['checker_version']}: {summary['unchanged']} unchanged, "
               f"{summary['changed']} would change, {summary['missing_files']} without a file")
    for c in report.changes:
        mark = "applied" if c.applied else ("decided by a person: left to staff"
                                            if c.decided_by_person else "not applied")
        click.echo(f"  item {c.item_id} ({c.reg_no}): {c.status} -> {c.new_verdict} "
                   f"[{', '.join(c.new_reasons)}] {mark}")
    if summary["changed"] and not apply_changes:
        click.echo("nothing was changed; run again with --apply to store the new verdicts")


COMMANDS = (recheck,)
