"""Check task screenshots: validate, read in two OCR tiers, apply rules, find duplicates."""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import imagehash
from PIL import Image

from uploads import fields
from uploads.copies import CopyMatch, post_grid
from uploads.dupindex import DupIndex, Match, content_key
from uploads.forensics import edit_signs
from uploads.ocr import Line, OcrError, OcrResult, read_tier1, read_tier2, reread_line
from uploads.requant import Coding, coding_of
from uploads.rules import TaskRules, local_now, order_reasons, time_reasons, verdict_of
from uploads.storage import sha256_of
from uploads.validate import DEFAULT_LIMITS, Limits, UploadRefused, validate_image

CHECKER_VERSION = "2026.12-fraud6"  # bump when a rule changes what the checker decides
DESIGN_FIELDS = ("file", "task", "verdict", "reasons", "keywords", "timestamp", "nickname",
                 "sha256", "phash")


@dataclass
class Verdict:
    """The checker's answer for one file (the CLI contract's fields, then extras)."""

    file: str
    task: str
    verdict: str
    reasons: list[str]
    keywords: list[str] = field(default_factory=list)
    timestamp: str | None = None
    nickname: str | None = None
    sha256: str | None = None
    phash: str | None = None
    ocr_text: str = ""
    tier: int = 0
    phone: str | None = None
    content_key: str | None = None
    grid: str | None = None
    checker_version: str = CHECKER_VERSION

    def to_dict(self) -> dict[str, Any]:
        """Return the verdict as a plain dict, contract fields first."""
        return asdict(self)

    def to_json(self) -> str:
        """Return the verdict as one line of JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass
class BatchState:
    """One candidate's set seen so far: for duplicates and repeated people within it."""

    index: DupIndex = field(default_factory=DupIndex)
    people: dict[str, list[str]] = field(default_factory=dict)


def read_screenshot(img: Image.Image, rules: TaskRules, now: datetime,
                    key: str | None = None) -> tuple[OcrResult, fields.Findings]:
    """Read with tier 1; read again with tier 2 when a required field is unfound or failing."""
    first = read_tier1(img, key)
    # tesseract garbles names beside avatars; the recogniser re-reads that one line
    found = _find(first, img, rules, now, lambda line: reread_line(img, line))
    if not _needs_second_look(found, rules, now):
        return first, found
    second = read_tier2(img, key)
    return second, _merge(_find(second, img, rules, now), found, rules)


def _find(result: OcrResult, img: Image.Image, rules: TaskRules, now: datetime,
          reread: Callable[[Line], str] | None = None) -> fields.Findings:
    """Apply the task's field finders to OCR lines."""
    if rules.task == "app_download":
        return fields.read_app(result.lines, rules)
    return fields.read_share(result.lines, img, rules, now, reread)


def _needs_second_look(found: fields.Findings, rules: TaskRules, now: datetime) -> bool:
    """Tell whether tier 1 left a required field unfound or would reject on a reading."""
    if rules.task == "app_download":
        return found.app_name is None or found.success is None
    if found.missing or (rules.require_nickname and not found.nickname):
        return True
    return bool(time_reasons(found.post_time, rules, now))


def _merge(second: fields.Findings, first: fields.Findings, rules: TaskRules) -> fields.Findings:
    """Prefer the second tier's readings, keeping the first tier's where it found none."""
    words = tuple(dict.fromkeys(second.keywords + first.keywords))
    values = {k: getattr(second, k) or getattr(first, k) for k in (
        "post_time", "nickname", "clock", "phone", "app_name", "success", "lines")}
    missing = tuple(k for k in rules.keywords if k not in words)
    return fields.Findings(keywords=words, missing=missing, **values)


def rule_reasons(found: fields.Findings, rules: TaskRules, now: datetime) -> list[str]:
    """Return the reasons the task's rules give on what was found."""
    if rules.task == "app_download":
        return (["missing_app_name"] * (found.app_name is None)
                + ["missing_success_state"] * (found.success is None)
                # without phone or clock, a copy of another upload could not be recognised
                + ["unidentifiable"] * (not found.phone and not found.clock))
    reasons = [f"missing_keyword:{k}" for k in found.missing]
    reasons += time_reasons(found.post_time, rules, now)
    if rules.require_nickname and not found.nickname:
        reasons.append("nickname_not_found")
    return reasons


def _dup_reason(match: Match | None) -> list[str]:
    """Turn an index match into a reason code."""
    if match is None:
        return []
    prefix = "possible_duplicate_of" if match.kind == "possible" else "duplicate_of"
    return [f"{prefix}:{match.item_id}"]


def _find_exact(sha: str, index: DupIndex | None) -> Match | None:
    """Return the entry holding the very same bytes, if any."""
    return index.find(sha, "0", None) if index is not None else None


def _refused(name: str, task: str, code: str, sha: str | None = None) -> Verdict:
    """Return the verdict for a file refused before OCR."""
    return Verdict(name, task, "reject", [code], sha256=sha)


def check_screenshot(data: bytes, task: str, rules: TaskRules, now: datetime,
                     index: DupIndex | None = None, seen_in_batch: BatchState | None = None,
                     name: str = "", limits: Limits = DEFAULT_LIMITS) -> Verdict:
    """Check one screenshot; `seen_in_batch` holds the rest of the candidate's set."""
    if task != rules.task:
        raise ValueError(f"rules are for {rules.task!r}, not {task!r}")
    sha = sha256_of(data)
    try:
        checked = validate_image(data, limits)
    except UploadRefused as refusal:
        return _refused(name, task, refusal.code, sha if data else None)
    batch = seen_in_batch if seen_in_batch is not None else BatchState()
    exact = _find_exact(sha, index) or _find_exact(sha, batch.index)
    if exact:
        return _refused(name, task, _dup_reason(exact)[0], sha)
    return _check_image(checked.image, sha, name, rules, local_now(now, rules), index, batch,
                        coding_of(data, checked.kind))


def _check_image(img: Image.Image, sha: str, name: str, rules: TaskRules, now: datetime,
                 index: DupIndex | None, batch: BatchState, coding: Coding) -> Verdict:
    """Read a decoded image, apply rules and duplicate checks, and remember it."""
    phash = str(imagehash.phash(img))
    try:
        result, found = read_screenshot(img, rules, now, sha)
    except OcrError:
        return Verdict(name, rules.task, "review", ["ocr_failed"], sha256=sha, phash=phash)
    key = content_key(found.content())
    grid = post_grid(img, result.lines, rules.keywords) if rules.task == "wechat_share" else None
    dup, copy = _dup_or_copy(index, batch, sha, phash, key, grid, found.nickname)
    repeated = _remember(batch, name, sha, phash, key, grid,
                         None if dup or copy else _person(found, rules))
    reasons = order_reasons(rule_reasons(found, rules, now) + dup + copy
                            + [_repeat_code(rules.task)] * repeated)
    if not reasons:  # forensics are dear: only for what would be accepted
        reasons = edit_signs(img, result.lines, found, rules, now, coding)
    return Verdict(
        name, rules.task, verdict_of(reasons), reasons, list(found.keywords),
        found.post_time.iso() if found.post_time else None, found.nickname, sha, phash,
        result.text, result.tier, found.phone, key, grid)


def _dup_or_copy(index: DupIndex | None, batch: BatchState, sha: str, phash: str, key: str,
                 grid: str | None, nickname: str | None) -> tuple[list[str], list[str]]:
    """Return the duplicate reason, else the copy reason, of an upload.

    A possible duplicate gives way to a sure copy: a re-upload whose name OCR cannot read
    only half matches by content (no person to compare) but its post grid matches whole.
    """
    match = (index.find(sha, phash, key) if index is not None else None) \
        or batch.index.find(sha, phash, key)
    if match is not None and match.kind != "possible":
        return _dup_reason(match), []
    copy = _find_copy(index, batch, key, grid)
    if copy is not None and (match is None or copy.kind == "copy"):
        return [], _copy_reason(copy, nickname)
    return _dup_reason(match), []


def _find_copy(index: DupIndex | None, batch: BatchState, key: str,
               grid: str | None) -> CopyMatch | None:
    """Return an earlier upload of the same post, from any candidate or this set."""
    return (index.find_copy(key, grid) if index is not None else None) or \
        batch.index.find_copy(key, grid)


def _copy_reason(match: CopyMatch | None, nickname: str | None) -> list[str]:
    """Turn a copy match into a reason: a sure copy rejects, a partial one goes to review."""
    if match is None:
        return []
    if match.kind == "possible":
        return [f"possible_copy_of:{match.item_id}"]
    renamed = nickname is None or match.nickname is None or nickname != match.nickname
    return [f"{'copied_from' if renamed else 'duplicate_of'}:{match.item_id}"]


def _person(found: fields.Findings, rules: TaskRules) -> str | None:
    """Return who a screenshot is about: the sharer's nickname or the villager's phone."""
    return found.nickname if rules.task == "wechat_share" else found.phone


def _repeat_code(task: str) -> str:
    """Return the review reason for the same person twice in one set."""
    return "repeated_nickname" if task == "wechat_share" else "repeated_phone"


def _remember(batch: BatchState, name: str, sha: str, phash: str, key: str,
              grid: str | None, person: str | None) -> bool:
    """Add a checked file to its set; tell whether its person was seen before."""
    batch.index.add(name, sha, phash, key, grid)
    if not person:
        return False
    seen = batch.people.setdefault(person, [])
    seen.append(name)
    return len(seen) > 1


def check_batch(files: list[tuple[str, bytes]], task: str, rules: TaskRules, now: datetime,
                index: DupIndex | None = None, limits: Limits = DEFAULT_LIMITS) -> list[Verdict]:
    """Check one candidate's set: against each other and against the stored index."""
    batch = BatchState()
    verdicts = [check_screenshot(data, task, rules, now, index, batch, name, limits)
                for name, data in files]
    return _flag_first_of_repeats(verdicts, batch)


def _flag_first_of_repeats(verdicts: list[Verdict], batch: BatchState) -> list[Verdict]:
    """Send the first file of each repeated person to review as well."""
    firsts = {names[0] for names in batch.people.values() if len(names) > 1}
    for v in verdicts:
        code = _repeat_code(v.task)
        if v.file in firsts and code not in v.reasons:
            v.reasons = order_reasons(v.reasons + [code])
            v.verdict = verdict_of(v.reasons)
    return verdicts


def late_copy(v: Verdict, late: DupIndex) -> Verdict:
    """Check a read verdict again, without OCR, against items stored while it was being read.

    Two workers reading two copies of one post at once each miss the other; the later to
    store its verdict asks this of the items stored meanwhile and is flagged as the copy.
    """
    if v.phash is None or v.sha256 is None or not len(late) or any(
            r.startswith(("duplicate_of", "copied_from")) for r in v.reasons):
        return v
    dup, copy = _dup_or_copy(late, BatchState(), v.sha256, v.phash, v.content_key or "",
                             v.grid, v.nickname)
    if dup or copy:
        v.reasons = order_reasons(v.reasons + dup + copy)
        v.verdict = verdict_of(v.reasons)
    return v
