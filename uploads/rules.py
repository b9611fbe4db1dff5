"""Campaign-driven screenshot rules and the verdict they give on what OCR found."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from uploads.timestamps import PostTime

TASKS = ("wechat_share", "app_download")
CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
REJECT_CODES = frozenset({
    "not_an_image", "unsupported_image", "image_too_large", "file_too_large", "truncated_file", "empty_file",
    "unreadable", "missing_keyword", "timestamp_outside_window", "duplicate_of", "copied_from",
    "missing_app_name", "missing_success_state", "zip_bomb", "zip_path_traversal",
    "zip_symlink", "zip_nested", "zip_encrypted", "zip_too_many_files",
})


@dataclass(frozen=True)
class TaskRules:
    """What one task's screenshots must show, taken from the campaign file."""

    task: str
    keywords: tuple[str, ...] = ()
    app_names: tuple[str, ...] = ()
    success_words: tuple[str, ...] = ()
    window_start: datetime | None = None
    window_end: datetime | None = None
    require_nickname: bool = True
    future_tolerance: timedelta = timedelta(minutes=10)
    tz: tzinfo = field(default=CHINA)


def _aware(value: Any, tz: tzinfo, is_end: bool = False) -> datetime | None:
    """Return an aware datetime from ISO text, a date or a datetime (local when naive).

    A window end given as a bare date includes that whole day.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date) or len(str(value)) == 10:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        moment = datetime.combine(day + timedelta(days=1 if is_end else 0), time(0, 0))
    else:
        moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def build_rules(task: str, settings: Mapping[str, Any], window_start: str | date | None = None,
                window_end: str | date | None = None, tz: tzinfo = CHINA) -> TaskRules:
    """Build rules from a task settings dict ({"keywords": [...]} or {task: {...}})."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    own = settings.get(task, settings)
    start, end = _aware(window_start, tz), _aware(window_end, tz, is_end=True)
    return TaskRules(
        task=task, keywords=tuple(own.get("keywords", ())),
        app_names=tuple(own.get("app_names", ())),
        success_words=tuple(own.get("success_words", ())),
        window_start=start, window_end=end,
        require_nickname=bool(own.get("require_nickname", task == "wechat_share")),
        tz=(start.tzinfo if start else tz) or tz)


def rules_from_campaign(campaign: Mapping[str, Any], task: str) -> TaskRules:
    """Build rules from a parsed campaign file: the round whose tasks include `task`."""
    for section in campaign.values():
        if isinstance(section, Mapping) and task in section.get("tasks", {}):
            return build_rules(task, section["tasks"][task], section.get("start"),
                               section.get("end"))
    raise ValueError(f"the campaign has no task {task!r}")


def local_now(now: datetime, rules: TaskRules) -> datetime:
    """Return `now` in the campaign's time zone (naive means already local)."""
    return now.replace(tzinfo=rules.tz) if now.tzinfo is None else now.astimezone(rules.tz)


def time_reasons(post_time: PostTime | None, rules: TaskRules, now: datetime) -> list[str]:
    """Return the reasons a post time gives: not found, outside, unclear or future."""
    if post_time is None:
        return ["timestamp_not_found"]
    start = rules.window_start or datetime.min.replace(tzinfo=rules.tz)
    end = rules.window_end or datetime.max.replace(tzinfo=rules.tz)
    place = post_time.position(start, end)
    if place == "outside":
        return ["timestamp_outside_window"]
    reasons = ["timestamp_ambiguous"] if place == "straddles" else []
    if post_time.start > now + rules.future_tolerance:
        reasons.append("timestamp_in_future")
    return reasons


def is_reject(reason: str) -> bool:
    """Tell whether a reason code rejects (others send the item to review)."""
    return reason.split(":", 1)[0] in REJECT_CODES


def verdict_of(reasons: list[str]) -> str:
    """Return accept, reject or review; a reject reason outranks a review reason."""
    if any(is_reject(r) for r in reasons):
        return "reject"
    return "review" if reasons else "accept"


def order_reasons(reasons: list[str]) -> list[str]:
    """Return reasons without repeats, reject reasons first."""
    unique = list(dict.fromkeys(reasons))
    return [r for r in unique if is_reject(r)] + [r for r in unique if not is_reject(r)]
