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


COMMANDS: list = [score]
