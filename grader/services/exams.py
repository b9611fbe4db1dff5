"""Exam results: import score files and advance the best (自动择优)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import AuditLog, Candidate, ExamImport, User
from grader.services import audit, bulk
from grader.services.tables import TableError, read_table
from grader.services.townships import ImportResult, RowError
from grader.services.withdrawals import not_withdrawn

EXAMS = {
    # kind: (score attribute, stage that sits it, stage reached on passing)
    "online_exam": ("online_exam_score", "registered", "onsite_test"),
    "onsite_test": ("onsite_test_score", "onsite_test", "round1"),
}
SCORE_ALIASES = {"身份证号": "id_number", "身份证号码": "id_number", "报名编号": "reg_no",
                 "成绩": "score", "分数": "score", "得分": "score", "姓名": "name"}


class ExamError(CodedError):
    """An exam action refused; `code` is stable."""


def _parse_score(raw: str) -> float | None:
    """Read a score on 0..100, or None when it is not one."""
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def _finder(session: Session, rows: list[dict]) -> Callable[[dict], Candidate | None]:
    """Load the candidates a file's rows name (two queries) and find a row's by ID or number."""
    ids = {r["id_number"].upper() for r in rows if r.get("id_number")}
    regs = {r.get("reg_no", "") for r in rows if not r.get("id_number")}
    by_id = {c.id_number: c for c in session.scalars(select(Candidate).where(
        bulk.among(session, Candidate.id_number, ids)))} if ids else {}
    by_reg = {c.reg_no: c for c in session.scalars(select(Candidate).where(
        bulk.among(session, Candidate.reg_no, regs)))} if regs else {}

    def find(row: dict) -> Candidate | None:
        if row.get("id_number"):
            return by_id.get(row["id_number"].upper())
        return by_reg.get(row.get("reg_no", ""))
    return find


@dataclass
class ScoreCheck:
    """A score file read and checked: the rows that apply and the rows refused with reasons."""

    good: list[tuple[int, Candidate, float]]
    refused: list[RowError]


def _row_errors(cand: Candidate | None, score: float | None, row: dict, sits: str,
                seen: set[int]) -> list[tuple[str, str, str]]:
    """Return (column, code, value) for each thing wrong with one row."""
    errors = []
    if cand is None:
        errors.append(("id_number", "unknown_candidate",
                       row.get("id_number") or row.get("reg_no", "")))
    elif cand.id in seen:
        errors.append(("id_number", "duplicate_row", cand.id_number))
    elif not cand.eligible:
        errors.append(("id_number", "candidate_ineligible", cand.id_number))
    elif cand.stage != sits:
        errors.append(("id_number", "not_at_this_stage", cand.id_number))
    if score is None:
        errors.append(("score", "bad_score", row.get("score", "")[:40]))
    return errors


def check_scores(session: Session, kind: str, filename: str, data: bytes,
                 max_bytes: int) -> ScoreCheck:
    """Read a score file; refuse a malformed one whole, else sort its rows into good and refused.

    A row is refused for an unknown candidate, a second row of one candidate, an ineligible
    candidate or one not at this exam's stage, or a score that is not 0..100.
    """
    table = read_table(filename, data, SCORE_ALIASES, max_bytes, unique=True)
    if "score" not in table.fields or not {"id_number", "reg_no"} & set(table.fields):
        raise TableError("missing_column", "need a score column and an ID or registration number")
    sits, found = EXAMS[kind][1], ScoreCheck([], [])
    seen: set[int] = set()
    find = _finder(session, [row for _n, row in table.rows])
    for n, row in table.rows:
        cand, score = find(row), _parse_score(row.get("score", ""))
        errors = _row_errors(cand, score, row, sits, seen)
        found.refused += [RowError(n, col, code, value) for col, code, value in errors]
        if cand is not None:
            seen.add(cand.id)
        if not errors:
            found.good.append((n, cand, score))
    return found


def scores_fingerprint(found: ScoreCheck) -> str:
    """Return a sha256 of the rows that would apply (row, candidate, score)."""
    text = ";".join(f"{n},{c.id},{s!r}" for n, c, s in found.good)
    return hashlib.sha256(text.encode()).hexdigest()


@audit.in_bulk
def import_scores(session: Session, kind: str, filename: str, data: bytes, actor: User | None,
                  max_bytes: int, expected: str | None = None) -> ImportResult:
    """Import a score file's good rows; return them counted and the refused rows.

    A malformed file (unreadable, a column missing or doubled) applies nothing. `expected` is
    the fingerprint of the rows previewed: when the rows that would apply now differ, nothing
    is applied.
    """
    found = check_scores(session, kind, filename, data, max_bytes)
    if expected is not None and expected != scores_fingerprint(found):
        raise ExamError("import_changed", "the rows that would be imported changed since the "
                                          "preview; nothing was imported, review it again")
    attr = EXAMS[kind][0]
    for _n, cand, score in found.good:
        audit.change(session, actor, cand, attr, score, f"import_{kind}", filename)
    session.add(ExamImport(kind=kind, filename=filename[:200], rows=len(found.good),
                           user_id=actor.id if actor else None))
    session.flush()
    return ImportResult(len(found.good), found.refused)


@dataclass
class AdvancePlan:
    """Who would advance from an exam now, and who would not, in rank order.

    `earlier` counts those moved on by earlier confirmations (they keep their place);
    `unscored` counts the candidates of the stage without a score yet.
    """

    kind: str
    to_stage: str
    ranked: list[Candidate]
    advancing: list[Candidate]
    rule: str
    earlier: int = 0
    unscored: int = 0

    @property
    def open_places(self) -> int | None:
        """Return the places still open under a best-N rule (None under a pass mark)."""
        if not self.rule.startswith("best:"):
            return None
        return max(0, int(self.rule.split(":")[1]) - self.earlier)


def _advanced_ids(session: Session, kind: str) -> set[int]:
    """Return the ids of the candidates earlier confirmations of this exam moved on."""
    return set(session.scalars(select(AuditLog.entity_id).where(
        AuditLog.action == f"advance_{kind}", AuditLog.entity == "candidate")))


def _unscored(session: Session, kind: str) -> int:
    """Count the eligible candidates at the exam's stage who have no score yet."""
    attr, sits, _ = EXAMS[kind]
    return session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.stage == sits, Candidate.eligible, getattr(Candidate, attr).is_(None),
        not_withdrawn())) or 0


def plan_advance(session: Session, campaign: Campaign, kind: str) -> AdvancePlan:
    """Rank the scored candidates still at the exam's stage and pick who advances now.

    Best N with scores arriving in batches: the N places are shared by every batch. Those
    moved on earlier keep their places; a later confirmation fills only the places still open
    (N minus those already moved on) with the best scores not yet advanced. Nobody is ever
    demoted and never more than N advance in all. Under a pass mark, everyone at or above it
    advances, whichever batch their score came in.
    """
    attr, sits, to_stage = EXAMS[kind]
    score, earlier = getattr(Candidate, attr), _advanced_ids(session, kind)
    ranked = [c for c in session.scalars(
        select(Candidate).options(joinedload(Candidate.township))
        .where(Candidate.stage == sits, Candidate.eligible, score.is_not(None), not_withdrawn())
        .order_by(score.desc(), Candidate.registered_at, Candidate.id)) if c.id not in earlier]
    n, unscored = campaign.advance(kind), _unscored(session, kind)
    if n > 0:
        places = max(0, n - len(earlier))
        return AdvancePlan(kind, to_stage, ranked, ranked[:places], f"best:{n}", len(earlier),
                           unscored)
    mark = getattr(campaign, kind).pass_score
    passing = [c for c in ranked if getattr(c, attr) >= mark]
    return AdvancePlan(kind, to_stage, ranked, passing, f"pass_score:{mark:g}", len(earlier),
                       unscored)


def already_advanced(session: Session, kind: str) -> bool:
    """Say whether a confirmation of this exam's advancement has happened."""
    return session.scalar(select(AuditLog.id).where(AuditLog.action == f"advance_{kind}")
                          .limit(1)) is not None


def confirmed_advance(session: Session, kind: str) -> AdvancePlan | None:
    """Return the advancement as confirmed (who moved, from the audit log), or None before."""
    attr, _, to_stage = EXAMS[kind]
    moves = session.execute(select(AuditLog.entity_id, AuditLog.reason).where(
        AuditLog.action == f"advance_{kind}", AuditLog.entity == "candidate")).all()
    if not moves:
        return None
    moved, score = {m.entity_id for m in moves}, getattr(Candidate, attr)
    # everyone with a score sat the exam: those moved on and those left behind alike
    ranked = list(session.scalars(
        select(Candidate).options(joinedload(Candidate.township)).where(score.is_not(None))
        .order_by(score.desc(), Candidate.registered_at, Candidate.id)))
    return AdvancePlan(kind, to_stage, ranked, [c for c in ranked if c.id in moved],
                       moves[0].reason or "", len(moved), _unscored(session, kind))


def advance_page(session: Session, campaign: Campaign, kind: str) -> tuple[AdvancePlan, bool]:
    """Return the page's list: the preview while someone can advance, else the confirmed result.

    The flag is True when the list shown is the confirmed result.
    """
    plan = plan_advance(session, campaign, kind)
    if plan.advancing or not plan.earlier:
        return plan, False
    confirmed = confirmed_advance(session, kind)
    return (confirmed, True) if confirmed is not None else (plan, False)


def fingerprint(plan: AdvancePlan) -> str:
    """Return a sha256 of the rule, the earlier count and the ordered ids who would advance."""
    ids = ",".join(str(c.id) for c in plan.advancing)
    return hashlib.sha256(f"{plan.kind}|{plan.rule}|{plan.earlier}|{ids}".encode()).hexdigest()


def apply_advance(session: Session, plan: AdvancePlan, actor: User | None,
                  expected: str | None = None) -> int:
    """Move the advancing candidates to the next stage, auditing each move.

    `expected` is the fingerprint of the list that was previewed: when the plan rebuilt now
    differs (scores imported or a batch confirmed in between), nothing is applied. A plan
    with nobody to advance after an earlier confirmation is refused (`already_advanced`).
    """
    if not plan.advancing and plan.earlier:
        raise ExamError("already_advanced", f"the {plan.kind} advancement was already applied "
                                            "to everyone qualifying")
    if expected is not None and expected != fingerprint(plan):
        raise ExamError("plan_changed", f"the {plan.kind} advancement list changed since the "
                                        "preview; nothing was applied, review it again")
    sits = EXAMS[plan.kind][1]
    stages = dict(session.execute(select(Candidate.id, Candidate.stage).where(
        Candidate.id.in_([c.id for c in plan.advancing])).with_for_update()).all())
    if any(stage != sits for stage in stages.values()):  # a confirmation got there first
        raise ExamError("plan_changed", "the advancement list changed; review it again")
    for cand in plan.advancing:
        audit.change(session, actor, cand, "stage", plan.to_stage, f"advance_{plan.kind}",
                     plan.rule)
    return len(plan.advancing)
