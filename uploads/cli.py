"""Plain functions behind `grader check-screenshot` (the Click command lives in grader)."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from uploads.checker import Verdict, check_batch
from uploads.dupindex import DupIndex
from uploads.rules import TaskRules, rules_from_campaign
from uploads.archives import iter_zip
from uploads.validate import DEFAULT_LIMITS, Limits, UploadRefused, sniff


def load_files(paths: Iterable[str | Path],
               limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, bytes | str]]:
    """Read files in order, expanding ZIPs; a refused ZIP or member carries its code.

    A missing file raises FileNotFoundError: that is a usage error, not a verdict.
    """
    entries: list[tuple[str, bytes | str]] = []
    for path in map(Path, paths):
        data = path.read_bytes()
        if sniff(data) != "zip":
            entries.append((str(path), data))
            continue
        try:
            entries += [(f"{path}/{m.name}", m.refusal or m.data or b"")
                        for m in iter_zip(data, limits)]
        except UploadRefused as refusal:
            entries.append((str(path), refusal.code))
    return entries


def _rules(task: str, campaign_rules: Mapping[str, Any] | TaskRules) -> TaskRules:
    """Return rules from a parsed campaign file (or pass ready-made rules through)."""
    if isinstance(campaign_rules, TaskRules):
        return campaign_rules
    return rules_from_campaign(campaign_rules, task)


def check_files(paths: Iterable[str | Path], task: str, now: datetime,
                campaign_rules: Mapping[str, Any] | TaskRules,
                index: DupIndex | None = None) -> list[dict[str, Any]]:
    """Check one candidate's files (ZIPs expanded) and return one dict per file."""
    entries = load_files(paths)
    files = [(name, body) for name, body in entries if isinstance(body, bytes)]
    checked = iter(check_batch(files, task, _rules(task, campaign_rules), now, index))
    return [(next(checked) if isinstance(body, bytes)
             else Verdict(name, task, "reject", [body])).to_dict() for name, body in entries]
