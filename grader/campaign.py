"""Campaign settings: one TOML file with dates, stage sizes, tasks, keywords and weights."""

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from grader.eligibility import EDUCATION_ORDER
from grader.models.base import SHANGHAI
from scoring.errors import PolicyError
from scoring.policy import policy_from_dict

DEFAULT_FILE = Path(__file__).with_name("campaign_default.toml")


class CampaignError(ValueError):
    """The campaign file is missing a value or holds a bad one."""


@dataclass(frozen=True)
class Campaign:
    """The parsed campaign file with typed accessors for what code needs."""

    data: dict[str, Any]
    source: str

    @property
    def name(self) -> str:
        """Return the campaign's display name."""
        return self.data.get("name", "")

    @property
    def registration_end(self) -> date:
        """Return the day on which ages are computed."""
        return date.fromisoformat(str(self.data["registration"]["end"]))

    @property
    def age_range(self) -> tuple[int, int]:
        """Return the inclusive age range."""
        reg = self.data["registration"]
        return int(reg["min_age"]), int(reg["max_age"])

    @property
    def min_education(self) -> str:
        """Return the lowest accepted education level."""
        return self.data["registration"]["min_education"]

    @property
    def declarations(self) -> list[str]:
        """Return the self-declarations a candidate must make."""
        return list(self.data["registration"]["declarations"])

    def advance(self, stage: str) -> int:
        """Return how many advance from a stage (0 when a pass mark is used)."""
        return int(self.data.get(stage, {}).get("advance", 0))

    def section(self, name: str) -> dict[str, Any]:
        """Return one section of the file."""
        return self.data.get(name, {})

    @property
    def enforce_windows(self) -> bool:
        """Say whether registration and round-1 submissions close at their end dates."""
        return bool(self.data.get("enforce_windows", False))

    def window(self, section: str) -> tuple[datetime, datetime]:
        """Return a section's [start, end) in Shanghai time; a bare end date is a whole day.

        A section with `days` and no `end` (the trial) ends that many days after its start.
        """
        sec = self.data[section]
        start = _moment(sec["start"], 0)
        if "end" not in sec:
            return start, start + timedelta(days=int(sec.get("days", 7)))  # the 7-day trial
        return start, _moment(sec["end"], 1)

    def window_refusal(self, section: str, now: datetime) -> str | None:
        """Return "not_open" or "window_over" when windows are enforced and now is outside."""
        if not self.enforce_windows:
            return None
        start, end = self.window(section)
        return "not_open" if now < start else "window_over" if now >= end else None

    def scoring_policy(self) -> dict[str, Any]:
        """Return the scoring policy this file sets, in the engine's policy format."""
        return scoring_policy(self.data)


def scoring_policy(data: dict[str, Any]) -> dict[str, Any]:
    """Map the campaign's counts, weights and cut-offs onto SCORING.md's policy."""
    r1, r2 = data.get("round1", {}), data.get("round2", {})
    w1, w2 = r1.get("weights", {}), r2.get("weights", {})
    round1 = _present({
        "tasks": {name: task["required"] for name, task in r1.get("tasks", {}).items()
                  if isinstance(task, dict) and "required" in task} or None,
        "weight_timeliness": w1.get("timeliness"), "weight_quality": w1.get("quality"),
        "weight_plan": w1.get("plan"), "weight_survey": w1.get("survey"),
        "shrinkage_k": r1.get("spot_check", {}).get("shrinkage_k"),
        "advance": r1.get("advance")})
    round2 = _present({
        "days": r2.get("days"), "weight_timeliness": w2.get("timeliness"),
        "weight_operations": w2.get("operations"), "weight_activity": w2.get("activity"),
        "weight_reports": w2.get("report_quality"), "advance": r2.get("advance")})
    reviews = _present({"third_review_gap": r1.get("reviews", {}).get("third_review_gap")})
    interview = _present({"advance": data.get("interview", {}).get("advance")})
    return {"round1": round1, "round2": round2, "reviews": reviews, "interview": interview}


def _moment(value: Any, extra_days: int) -> datetime:
    """Read a campaign date or date-time; a date means Shanghai midnight (+ extra days)."""
    text = str(value)
    if len(text) == 10:
        day = date.fromisoformat(text) + timedelta(days=extra_days)
        return datetime.combine(day, time(), SHANGHAI)
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI)


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Drop the keys the file leaves unset (the policy's defaults apply)."""
    return {key: value for key, value in values.items() if value is not None}


def load_campaign(path: str | Path | None = None) -> Campaign:
    """Read and check a campaign file; the 2016 default when no path is given."""
    source = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CampaignError(f"campaign file not found: {source}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"campaign file {source} is not valid TOML: {exc}") from exc
    _check(data, source)
    return Campaign(data, str(source))


def _check(data: dict[str, Any], source: Path) -> None:
    """Refuse a file that lacks what registration needs."""
    reg = data.get("registration")
    if not isinstance(reg, dict):
        raise CampaignError(f"{source}: missing [registration] section")
    for key in ("start", "end", "min_age", "max_age", "min_education", "declarations"):
        if key not in reg:
            raise CampaignError(f"{source}: [registration] needs '{key}'")
    if reg["min_education"] not in EDUCATION_ORDER:
        raise CampaignError(f"{source}: unknown min_education {reg['min_education']!r}")
    try:
        policy_from_dict(scoring_policy(data))
    except PolicyError as exc:
        raise CampaignError(f"{source}: the scoring settings are not usable: {exc}") from exc


def init_app(app: Flask) -> None:
    """Load the campaign named by CAMPAIGN_FILE into the app."""
    app.extensions["grader.campaign"] = load_campaign(app.config.get("CAMPAIGN_FILE") or None)


def current_campaign() -> Campaign:
    """Return the campaign of the running app."""
    return current_app.extensions["grader.campaign"]
