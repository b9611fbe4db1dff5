"""`grader replacements`: move lapsed offers on, and show each stage's places."""

import json

import click

from grader import create_app
from grader.db import session_scope


@click.group("replacements")
def replacements_group() -> None:
    """Withdrawals and replacements (递补)."""


@replacements_group.command("run")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def run(as_json: bool) -> None:
    """Lapse offers past their deadline and offer each lapsed place to the next ranked.

    Run it from cron (e.g. hourly); it is safe to run any number of times.
    """
    from grader.services.withdrawals import PLACES, place_state, run_lapsed

    app = create_app()
    with session_scope(app) as session:
        done = run_lapsed(session)
        states = {str(s): place_state(session, s) for s in PLACES}
        done["places"] = {s: {"target": st.target, "holders": st.holders,
                              "open_offers": len(st.offers), "short": st.short}
                          for s, st in states.items()}
    if as_json:
        click.echo(json.dumps(done, ensure_ascii=False))
        return
    click.echo(f"lapsed={done['lapsed']} offered={done['offered']}")
    for stage, row in done["places"].items():
        click.echo(f"{stage:<10} " + " ".join(f"{k}={v}" for k, v in row.items()))


COMMANDS = [replacements_group]
