"""Campaign settings: one TOML file with dates, stage sizes, tasks, keywords and weights."""

import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from pydantic import PrivateAttr, ValidationError

from grader.campaign_schema import CampaignSettings
from grader.models.base import SHANGHAI
from scoring.errors import PolicyError
from scoring.policy import policy_from_dict

DEFAULT_FILE = Path(__file__).with_name("campaign_default.toml")


class CampaignError(ValueError):
    """The campaign file is missing a value or holds a bad one."""


class Campaign(CampaignSettings):
    """The checked campaign file, read as attributes (`campaign.round2.days`)."""

    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """Return where the settings came from."""
        return self._source

    @property
    def registration_end(self) -> date:
        """Return the day on which ages are computed."""
        return self.registration.end

    @property
    def age_range(self) -> tuple[int, int]:
        """Return the inclusive age range."""
        return self.registration.min_age, self.registration.max_age

    @property
    def min_education(self) -> str:
        """Return the lowest accepted education level."""
        return self.registration.min_education

    @property
    def declarations(self) -> list[str]:
        """Return the self-declarations a candidate must make."""
        return list(self.registration.declarations)

    def advance(self, stage: str) -> int:
        """Return how many advance from a stage (0 when a pass mark is used)."""
        return getattr(self, stage).advance

    def window(self, section: str) -> tuple[datetime, datetime]:
        """Return a section's [start, end) in Shanghai time; a bare end date is a whole day.

        A section with `days` and no `end` (the trial) ends that many days after its start.
        """
        sec = getattr(self, section)
        start = _moment(sec.start, 0)
        if getattr(sec, "end", None) is None:
            return start, start + timedelta(days=sec.days)
        return start, _moment(sec.end, 1)

    def window_refusal(self, section: str, now: datetime) -> str | None:
        """Return "not_open" or "window_over" when windows are enforced and now is outside."""
        if not self.enforce_windows:
            return None
        start, end = self.window(section)
        return "not_open" if now < start else "window_over" if now >= end else None

    def scoring_policy(self) -> dict[str, Any]:
        """Return the scoring policy this file sets, in the engine's policy format."""
        return scoring_policy(self)


def scoring_policy(settings: CampaignSettings) -> dict[str, Any]:
    """Map the campaign's counts, weights and cut-offs onto SCORING.md's policy."""
    r1, r2 = settings.round1, settings.round2
    w1, w2 = r1.weights, r2.weights
    round1 = {"tasks": {name: task.required for name, task in r1.tasks.items()},
              "weight_timeliness": w1.timeliness, "weight_quality": w1.quality,
              "weight_plan": w1.plan, "weight_survey": w1.survey,
              "shrinkage_k": r1.spot_check.shrinkage_k, "survey_prior": r1.survey.prior,
              "advance": r1.advance}
    round2 = {"days": r2.days, "weight_timeliness": w2.timeliness,
              "weight_operations": w2.operations, "weight_activity": w2.activity,
              "weight_reports": w2.report_quality, "advance": r2.advance}
    return {"round1": round1, "round2": round2,
            "reviews": {"third_review_gap": r1.reviews.third_review_gap},
            "interview": {"advance": settings.interview.advance}}


def _moment(value: date, extra_days: int) -> datetime:
    """Return a checked date-time as is; a date means Shanghai midnight (+ extra days)."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=extra_days), time(), SHANGHAI)


def load_campaign(path: str | Path | None = None) -> Campaign:
    """Read and check a campaign file; the 2016 default when no path is given."""
    source = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CampaignError(f"campaign file not found: {source}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"campaign file {source} is not valid TOML: {exc}") from exc
    return campaign_from_data(data, str(source))


def campaign_from_data(data: dict[str, Any], source: str) -> Campaign:
    """Check parsed campaign data; a CampaignError names every bad key path and why."""
    try:
        campaign = Campaign.model_validate(data)
    except ValidationError as exc:
        problems = "\n".join(f"  {_problem(err)}" for err in exc.errors())
        raise CampaignError(f"campaign file {source} has {exc.error_count()} bad value(s):\n"
                            f"{problems}") from exc
    try:
        policy_from_dict(campaign.scoring_policy())
    except PolicyError as exc:
        raise CampaignError(f"{source}: the scoring settings are not usable: {exc}") from exc
    campaign._source = source
    return campaign


def _problem(err: Any) -> str:
    """Return one validation error as "key.path: reason (got value)"."""
    where = ".".join(str(part) for part in err["loc"]) or "(top level)"
    shown = "" if err["type"] == "missing" or isinstance(err["input"], dict) else \
        f" (got {err['input']!r})"
    return f"{where}: {err['msg']}{shown}"


def init_app(app: Flask) -> None:
    """Load the campaign named by CAMPAIGN_FILE into the app."""
    app.extensions["grader.campaign"] = load_campaign(app.config.get("CAMPAIGN_FILE") or None)


def current_campaign() -> Campaign:
    """Return the campaign of the running app."""
    return current_app.extensions["grader.campaign"]
