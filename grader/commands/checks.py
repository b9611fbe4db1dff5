"""Commands that check evidence and compute rankings from plain files, without the database."""

import json

import click


def _load_json(path: str) -> dict:
    """Read a JSON file or stop with a usage error naming the problem."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise click.UsageError(f"no such file: {path}") from exc
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"{path} is not valid JSON: {exc}") from exc


@click.command("score")
@click.option("--facts", "facts_path", required=True, help="Facts JSON (SCORING.md format).")
@click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON.")
def score(facts_path: str, as_json: bool) -> None:
    """Rank candidates from plain facts with the scoring engine."""
    from scoring import FactsError, rank_facts

    try:
        result = rank_facts(_load_json(facts_path))
    except FactsError as exc:
        raise click.UsageError(f"bad facts: {exc}") from exc
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for row in result["ranking"]:
        mark = "advance" if row["advance"] else ""
        click.echo(f"{row['rank']:>5} {row['id']:<12} {row['score']:>7.2f} {mark}")


def _emit_lines(rows: list[dict], as_json: bool, keys: tuple[str, ...]) -> None:
    """Print one JSON object per line, or the main keys as text."""
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(" ".join(f"{k}={row.get(k)}" for k in keys))


@click.command("check-screenshot")
@click.option("--task", type=click.Choice(["wechat_share", "app_download"]), required=True)
@click.option("--now", "now_text", default=None, help="Reference time, ISO 8601 (default: now).")
@click.option("--campaign", "campaign_file", default=None, help="Campaign TOML file.")
@click.option("--json", "as_json", is_flag=True)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def check_screenshot(task, now_text, campaign_file, as_json, files) -> None:
    """Check one candidate's screenshots (OCR, rules, duplicates within the set)."""
    from datetime import UTC, datetime

    from grader.campaign import CampaignError, load_campaign
    from grader.services.evidence import rules_for
    from uploads.cli import check_files

    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(UTC)
        campaign = load_campaign(campaign_file)
    except (ValueError, CampaignError) as exc:
        raise click.UsageError(str(exc)) from exc
    rows = check_files(list(files), task, now, rules_for(campaign, task))
    _emit_lines(rows, as_json, ("file", "verdict", "reasons"))


@click.group("surveys")
def surveys_group() -> None:
    """Villager survey sheets."""


@surveys_group.command("check")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def surveys_check(sheet, as_json) -> None:
    """Check every row of a survey sheet (CSV or XLSX)."""
    from surveys import SheetError
    from surveys.cli import check_file

    try:
        rows = check_file(sheet)
    except SheetError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit_lines(rows, as_json, ("row", "candidate", "valid", "flags"))


@click.group("spot-check")
def spot_check_group() -> None:
    """Phone spot-checks of surveyed villagers."""


@spot_check_group.command("sample")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False))
@click.option("--per-candidate", default=5, show_default=True, type=int)
@click.option("--seed", required=True, help="Seed of the draw (recorded; same seed, same sample).")
@click.option("--json", "as_json", is_flag=True)
def spot_check_sample(sheet, per_candidate, seed, as_json) -> None:
    """Draw the villagers to call, stratified per candidate, reproducibly."""
    from surveys import SheetError
    from surveys.cli import sample_file

    try:
        rows = sample_file(sheet, per_candidate, seed)
    except SheetError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit_lines(rows, as_json, ("candidate", "row", "phone_e164"))


@click.group("backcheck")
def backcheck_group() -> None:
    """Back-check comparison (bcstats semantics)."""


@backcheck_group.command("compare")
@click.argument("survey", type=click.Path(exists=True, dir_okay=False))
@click.argument("backcheck", type=click.Path(exists=True, dir_okay=False))
@click.option("--id", "id_col", required=True)
@click.option("--enumerator", required=True)
@click.option("--enumteam", default=None)
@click.option("--backchecker", default=None)
@click.option("--type1", default="")
@click.option("--type2", default="")
@click.option("--type3", default="")
@click.option("--okrange", multiple=True, help="'V=[-1,1]' or 'V=[-5%,5%]' (repeatable).")
@click.option("--exclude", multiple=True)
@click.option("--nodiff", multiple=True)
@click.option("--lower", is_flag=True)
@click.option("--upper", is_flag=True)
@click.option("--nosymbol", is_flag=True)
@click.option("--trim", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def backcheck_compare(survey, backcheck, id_col, enumerator, enumteam, backchecker, type1,
                      type2, type3, okrange, exclude, nodiff, lower, upper, nosymbol, trim,
                      as_json) -> None:
    """Compare a survey sheet with its back-check sheet; differences and error rates."""
    from surveys import SheetError
    from surveys.cli import compare_files

    try:
        result = compare_files(survey, backcheck, id_col, enumerator, enumteam, backchecker,
                               type1, type2, type3, okrange, exclude, nodiff, lower, upper,
                               nosymbol, trim)
    except (SheetError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for diff in result["differences"]:
        click.echo(" ".join(f"{k}={v}" for k, v in diff.items()))


COMMANDS: list = [score, check_screenshot, surveys_group, spot_check_group, backcheck_group]
