"""The scoring policy: every weight, count and cut-off of SCORING.md as configuration."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scoring.errors import PolicyError

DEFAULT_TASKS = {"wechat_share": 100, "survey": 100, "plan": 1, "app_download": 100}
DEFAULT_METRICS = ("orders", "sales_yuan", "villagers_served", "app_activations")


@dataclass(frozen=True)
class ReviewPolicy:
    """Reviewer normalisation and the third-review rule."""

    min_scores: int = 8
    third_review_gap: float = 20.0
    clip_normalised: bool = True  # False: unclipped, as rankings published before 2026-11


@dataclass(frozen=True)
class Round1Policy:
    """Round 1: task completeness, timeliness and quality."""

    tasks: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TASKS))
    survey_task: str = "survey"
    weight_timeliness: float = 0.4
    weight_quality: float = 0.6
    weight_plan: float = 0.5
    weight_survey: float = 0.5
    shrinkage_k: float = 2.0
    survey_prior: float | None = 0.9  # p0; None: the cohort's own rate (before 2026-11)
    advance: int = 400


@dataclass(frozen=True)
class Round2Policy:
    """Round 2: the 7-day trial operation."""

    days: int = 7
    late_credit: float = 0.5
    grace_hours: float = 24.0
    metrics: tuple[str, ...] = DEFAULT_METRICS
    message_cap: int = 50
    weight_message_share: float = 0.5
    weight_timeliness: float = 0.2
    weight_operations: float = 0.4
    weight_activity: float = 0.25
    weight_reports: float = 0.15
    advance: int = 240


@dataclass(frozen=True)
class InterviewPolicy:
    """Interview: the mean interviewer score decides who signs."""

    advance: int = 160


@dataclass(frozen=True)
class Policy:
    """The whole policy; defaults are the 2016 campaign's values."""

    round1: Round1Policy = field(default_factory=Round1Policy)
    round2: Round2Policy = field(default_factory=Round2Policy)
    interview: InterviewPolicy = field(default_factory=InterviewPolicy)
    reviews: ReviewPolicy = field(default_factory=ReviewPolicy)


_SECTIONS = {
    "round1": Round1Policy,
    "round2": Round2Policy,
    "interview": InterviewPolicy,
    "reviews": ReviewPolicy,
}


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """Return the policy as plain JSON-ready data."""
    data = dataclasses.asdict(policy)
    data["round2"]["metrics"] = list(policy.round2.metrics)
    return data


def policy_from_dict(data: dict[str, Any] | None) -> Policy:
    """Build a policy from a (possibly partial) dictionary; missing keys keep defaults."""
    if data is None:
        return Policy()
    if not isinstance(data, dict):
        raise PolicyError("policy must be an object")
    _reject_unknown(data, _SECTIONS, "policy")
    sections = {name: _section(cls, data.get(name, {}), name) for name, cls in _SECTIONS.items()}
    policy = Policy(**sections)
    _check(policy)
    return policy


def _reject_unknown(data: dict[str, Any], known: Any, where: str) -> None:
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}")


def _section(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise PolicyError(f"policy.{where} must be an object")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    _reject_unknown(data, fields, f"policy.{where}")
    default = cls()
    values = {}
    for name, value in data.items():
        values[name] = _coerce(value, getattr(default, name), f"policy.{where}.{name}")
    return cls(**values)


def _is_counts(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool)
        for k, n in value.items())


# (type of the default, test for the stored value, what it must be, conversion)
_KINDS: tuple[tuple[type, Callable[[Any], bool], str, Callable[[Any], Any]], ...] = (
    (int, lambda v: isinstance(v, int), "an integer", int),
    (float, lambda v: isinstance(v, (int, float)), "a number", float),
    (str, lambda v: isinstance(v, str), "a string", str),
    (dict, _is_counts, "an object of integer counts", dict),
    (tuple, lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
     "a list of names", tuple),
)


_NULLABLE = {"survey_prior"}  # None keeps the rule of rankings published before it existed


def _coerce(value: Any, default: Any, where: str) -> Any:
    if value is None and where.rsplit(".", 1)[-1] in _NULLABLE:
        return None
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise PolicyError(f"{where} must be true or false, got {value!r}")
        return value
    for kind, accepts, label, convert in _KINDS:
        if isinstance(default, kind):
            if isinstance(value, bool) or not accepts(value):
                raise PolicyError(f"{where} must be {label}, got {value!r}")
            return convert(value)
    raise PolicyError(f"{where} cannot be set")


def _check(policy: Policy) -> None:
    r1, r2 = policy.round1, policy.round2
    if not r1.tasks or any(n < 1 for n in r1.tasks.values()):
        raise PolicyError("policy.round1.tasks: every required count must be at least 1")
    if r1.survey_task not in r1.tasks:
        raise PolicyError(f"policy.round1.survey_task {r1.survey_task!r} is not a task")
    if r1.shrinkage_k < 0:
        raise PolicyError("policy.round1.shrinkage_k must not be negative")
    if r1.survey_prior is not None and not 0 <= r1.survey_prior <= 1:
        raise PolicyError("policy.round1.survey_prior must lie between 0 and 1")
    if r2.days < 1 or r2.message_cap < 1 or not r2.metrics:
        raise PolicyError("policy.round2: days, message_cap and metrics must be positive")
    if policy.reviews.min_scores < 1:
        raise PolicyError("policy.reviews.min_scores must be at least 1")
    for name in ("round1", "round2", "interview"):
        if getattr(policy, name).advance < 0:
            raise PolicyError(f"policy.{name}.advance must not be negative")
