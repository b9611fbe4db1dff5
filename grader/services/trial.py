"""Round 2: daily reports of the 7-day trial operation and their deadlines."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, DailyReport
from grader.models.base import utcnow
from grader.models.states import Stage
from grader.services import bulk
from grader.services.rounds import round_published

FIGURES = ("orders", "sales_yuan", "villagers_served", "app_activations")
TRIAL_STAGES = ("round2", "interview", "selected", "signed")  # everyone who ran the trial


class ReportError(CodedError):
    """A daily report refused before anything was saved; `code` is stable."""


def trial_start(campaign: Campaign) -> datetime:
    """Return when day 1 of the trial starts (a bare date: Shanghai midnight)."""
    return campaign.window("round2")[0]


def lateness(day: int, submitted: datetime, start: datetime) -> str:
    """Say whether day d's report is on time (by start + d days), late (24 h more) or missed."""
    due = start + timedelta(days=day)
    if submitted <= due:
        return "on_time"
    return "late" if submitted <= due + timedelta(hours=24) else "missed"


@dataclass
class Figures:
    """One day's operations data."""

    orders: int = 0
    sales_yuan: float = 0.0
    villagers_served: int = 0
    app_activations: int = 0

    def check(self) -> None:
        """Refuse negative or absurd figures."""
        for name in FIGURES:
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0 or value > 1_000_000:
                raise ReportError("bad_figure", f"{name} must be between 0 and 1,000,000")


@dataclass
class Filing:
    """One day's report as a candidate files it."""

    cand: Candidate
    day: int
    text: str
    figures: Figures
    now: datetime | None = None


def file_report(session: Session, campaign: Campaign, cand: Candidate, day: int, text: str,
                figures: Figures, now: datetime | None = None) -> DailyReport:
    """File or correct a day's report; the first filing counts, corrections end with its grace."""
    return file_reports(session, campaign, [Filing(cand, day, text, figures, now)])[0]


def file_reports(session: Session, campaign: Campaign, filings: list[Filing]) -> list[DailyReport]:
    """File or correct many days' reports at once (all or none): the rules of `file_report`."""
    days, start = campaign.round2.days, trial_start(campaign)
    filed = reports_of(session, sorted({f.cand.id for f in filings}))
    out, closed, new = [], None, {}
    for f in filings:
        if f.cand.stage != Stage.ROUND2:
            raise ReportError("not_in_round2", "only candidates in round 2 file daily reports")
        if closed is None:  # asked once for the whole batch
            closed = round_published(session, "2")
        if closed:
            raise ReportError("round_closed", "round 2 is published; reports are closed")
        if not 1 <= f.day <= days:
            raise ReportError("bad_day", f"day must be 1..{days}")
        if not f.text.strip():
            raise ReportError("text_required", "the report needs some text")
        f.figures.check()
        now = f.now or utcnow()
        if now < start + timedelta(days=f.day - 1):
            raise ReportError("day_not_started", f"day {f.day} of the trial has not started yet")
        report, timing = filed[f.cand.id].get(f.day), lateness(f.day, now, start)
        values = {"text": f.text.strip()[:5000]} | {n: getattr(f.figures, n) for n in FIGURES}
        known = report is not None or (f.cand.id, f.day) in new
        if known and timing == "missed":  # else a stub filed on time could be rewritten later
            raise ReportError("correction_closed", f"day {f.day}'s report can no longer be "
                                                   "corrected: corrections close 24 hours after "
                                                   "the deadline")
        if report is not None:
            for name, value in values.items():
                setattr(report, name, value)
        else:  # the first filing counts: a second one in the same batch corrects it
            new.setdefault((f.cand.id, f.day), {"candidate_id": f.cand.id, "day": f.day,
                                                "submitted_at": now, "lateness": timing}
                           ).update(values)
        out.append((f.cand.id, f.day))
    session.flush()
    stored = dict(zip(new, bulk.insert_loaded(session, DailyReport, list(new.values()),
                                              ("candidate_id", "day")), strict=True))
    return [stored.get(k) or filed[k[0]][k[1]] for k in out]


def reports_of(session: Session, cand_ids: list[int]) -> dict[int, dict[int, DailyReport]]:
    """Map candidate to their reports by day."""
    out: dict[int, dict[int, DailyReport]] = {c: {} for c in cand_ids}
    for rep in session.scalars(select(DailyReport).where(DailyReport.candidate_id.in_(cand_ids))):
        out[rep.candidate_id][rep.day] = rep
    return out


def days_shown(session: Session, campaign: Campaign, cand: Candidate, days: int,
               now: datetime | None = None) -> dict:
    """Return the candidate's filed reports, the days closed to corrections, the missed days."""
    filed = reports_of(session, [cand.id])[cand.id]
    start, now = trial_start(campaign), now or utcnow()
    closed = {d for d in filed if lateness(d, now, start) == "missed"}
    missed = {d for d in range(1, days + 1) if cand.stage in TRIAL_STAGES
              and d not in filed and lateness(d, now, start) == "missed"}
    return {"filed": filed, "closed": closed, "missed": missed, "start": start}
