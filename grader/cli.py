"""The `grader` command line: serve, worker, db, demo, accounts and checks."""

import json
import sys
from datetime import date

import click

from grader import create_app


def emit(obj, as_json: bool) -> None:
    """Print one result as a JSON line or as readable text."""
    if as_json:
        click.echo(json.dumps(obj, ensure_ascii=False))
    else:
        click.echo(" ".join(f"{k}={v}" for k, v in obj.items()) if isinstance(obj, dict) else obj)


class GraderGroup(click.Group):
    """Turn unexpected failures into one line on stderr and exit code 1."""

    def invoke(self, ctx):
        """Run the command, mapping internal failures to exit 1."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the CLI contract: one line, exit 1
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            click.echo(f"error: {type(exc).__name__}: {first}", err=True)
            sys.exit(1)


@click.group(cls=GraderGroup)
def main() -> None:
    """Run the county's partner recruitment platform."""


def _register_commands() -> None:
    """Attach the command modules."""
    from grader.commands import admin, checks, evidence, funnel, outside, replacements

    for cmd in (*admin.COMMANDS, *checks.COMMANDS, *evidence.COMMANDS, *funnel.COMMANDS,
                *outside.COMMANDS, *replacements.COMMANDS):
        main.add_command(cmd)


@main.command("check-id")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--on", "on", default=None, help="Reference day YYYY-MM-DD (default: registration end).")
@click.option("--campaign", "campaign_file", default=None, help="Campaign TOML file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per number.")
def check_id_cmd(numbers, on, campaign_file, as_json) -> None:
    """Check resident ID numbers and the age rule."""
    from grader.campaign import CampaignError, load_campaign
    from grader.eligibility import check_id

    try:
        campaign = load_campaign(campaign_file)
        day = date.fromisoformat(on) if on else campaign.registration_end
    except (CampaignError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    low, high = campaign.age_range
    for number in numbers:
        emit(check_id(number, day, low, high).to_dict(), as_json)


_register_commands()
__all__ = ["main", "create_app"]


if __name__ == "__main__":
    main()
