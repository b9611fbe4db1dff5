"""Re-run today's screenshot checker over items already checked, to find what it now catches.

A fraud found late (a copy ring, an edit trick) leads to a new rule; this runs the checker as it
is now over a task's items submitted since a day, in submission order, each against the items
submitted before it (the same view the worker had), and reports every verdict that would change.
Nothing changes unless asked: then an item the machine decided gets the new verdict, audited with
the checker version; an item a person decided keeps that decision and is listed for staff.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.models import Candidate, EvidenceItem, User
from grader.models.states import Task, Verdict
from grader.services import audit, evidence
from grader.services.screenshot_job import COPY_REASONS, person_of
from uploads.checker import CHECKER_VERSION, BatchState, check_screenshot
from uploads.dupindex import DupIndex
from uploads.storage import FileStorage

CHECKED = (Verdict.ACCEPT, Verdict.REVIEW, Verdict.REJECT)


@dataclass
class Change:
    """One item whose verdict the checker would now give differently."""

    item_id: int
    reg_no: str
    status: str  # the item's status now (a person's decision, or the machine's)
    new_verdict: str
    old_reasons: list[str]
    new_reasons: list[str]
    decided_by_person: bool
    applied: bool = False

    def to_dict(self) -> dict:
        """Return the change as plain data for the CLI's JSON."""
        return {"item": self.item_id, "reg_no": self.reg_no, "status": self.status,
                "new_verdict": self.new_verdict, "old_reasons": self.old_reasons,
                "new_reasons": self.new_reasons, "decided_by_person": self.decided_by_person,
                "applied": self.applied}


@dataclass
class Report:
    """What a recheck found: how many items it read and what would change."""

    task: str
    since: datetime
    checker_version: str = CHECKER_VERSION
    rechecked: int = 0
    missing_files: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Count the changes by 'status->new verdict'."""
        out: dict[str, int] = {}
        for c in self.changes:
            key = f"{c.status}->{c.new_verdict}"
            out[key] = out.get(key, 0) + 1
        return out

    def to_dict(self) -> dict:
        """Return the summary as plain data."""
        return {"task": self.task, "since": self.since.isoformat(),
                "checker_version": self.checker_version, "rechecked": self.rechecked,
                "missing_files": self.missing_files, "unchanged": self.unchanged,
                "changed": len(self.changes), "by_change": self.counts(),
                "applied": sum(c.applied for c in self.changes),
                "left_to_people": sum(c.decided_by_person for c in self.changes)}


def _remember(index: DupIndex, batch: BatchState, item: EvidenceItem,
              fresh: dict | None = None) -> None:
    """Add an item to the task's index and its candidate's set, as stored or as just read."""
    seen = fresh if fresh is not None else {
        "phash": item.phash, "content_key": item.content_key, "reasons": item.reasons or [],
        **(item.detail or {})}
    if seen.get("phash"):
        index.add(str(item.id), item.sha256, seen["phash"], seen.get("content_key"),
                  seen.get("grid"))
    person = person_of(item.task, seen)
    if person and not any(r.startswith(COPY_REASONS) for r in seen.get("reasons") or []):
        batch.people.setdefault(person, []).append(str(item.id))


def recheck(session: Session, storage: FileStorage, campaign: Campaign, task: str,
            since: datetime, apply: bool = False, actor: User | None = None,
            progress: Callable[[int, int], None] | None = None) -> Report:
    """Re-run the checker over a task's checked items submitted since a moment.

    Items before `since` are read into the index as stored (not re-read); each item from `since`
    on is checked against everything submitted before it. With `apply`, machine-decided items
    whose verdict changes get the new one, audited; decisions of people are only reported.
    """
    if task not in (Task.WECHAT_SHARE, Task.APP_DOWNLOAD):
        raise ValueError(f"recheck covers screenshot tasks, not {task!r}")
    rules, report = evidence.rules_for(campaign, task), Report(task, since)
    index, batches = DupIndex(), {}
    rows = session.execute(select(EvidenceItem, Candidate.reg_no).join(Candidate).where(
        EvidenceItem.task == task, EvidenceItem.status.in_(CHECKED))
        .order_by(EvidenceItem.submitted_at, EvidenceItem.id)).all()
    todo = sum(1 for item, _ in rows if item.submitted_at >= since)
    for item, reg_no in rows:
        batch = batches.setdefault(item.candidate_id, BatchState())
        if item.submitted_at < since:
            _remember(index, batch, item)
            continue
        if not storage.exists(item.storage_key):
            report.missing_files += 1
            _remember(index, batch, item)
            continue
        verdict = check_screenshot(storage.read(item.storage_key), task, rules,
                                   item.submitted_at, index, batch, str(item.id)).to_dict()
        report.rechecked += 1
        if progress:
            progress(report.rechecked, todo)
        if verdict["verdict"] == item.status and sorted(verdict["reasons"]) == sorted(item.reasons):
            report.unchanged += 1
            _remember(index, batch, item, verdict)
            continue
        change = Change(item.id, reg_no, item.status, verdict["verdict"], list(item.reasons),
                        list(verdict["reasons"]), item.decided_by_id is not None)
        report.changes.append(change)
        if apply and not change.decided_by_person:
            before = {"status": item.status, "reasons": list(item.reasons),
                      "checker_version": (item.detail or {}).get("checker_version")}
            evidence.record_verdict(session, item, verdict)
            audit.record(session, actor, "recheck_evidence", "candidate", item.candidate_id,
                         f"item:{item.id}", before,
                         {"status": item.status, "reasons": list(item.reasons),
                          "checker_version": CHECKER_VERSION}, f"recheck since {since:%Y-%m-%d}")
            change.applied = True
        _remember(index, batch, item, verdict)
    session.flush()
    return report
