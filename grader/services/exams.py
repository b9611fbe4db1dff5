"""Exam results: import score files and advance the best (自动择优)."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import AuditLog, Candidate, ExamImport, User
from grader.services import audit
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


def _parse_score(raw: str) -> float | None:
    """Read a score on 0..100, or None when it is not one."""
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def _find(session: Session, row: dict) -> Candidate | None:
    """Find the candidate of a row by ID number or registration number."""
    if row.get("id_number"):
        key = Candidate.id_number == row["id_number"].upper()
    else:
        key = Candidate.reg_no == row.get("reg_no", "")
    return session.scalar(select(Candidate).where(key))


def _check_rows(session: Session, kind: str, table) -> tuple[list, list[RowError]]:
    """Match and check every row; return (candidate, score) pairs and the errors."""
    _, sits, _ = EXAMS[kind]
    pairs, errors, seen = [], [], set()
    for n, row in table.rows:
        cand = _find(session, row)
        score = _parse_score(row.get("score", ""))
        if cand is None:
            errors.append(RowError(n, "id_number", "unknown_candidate",
                                   row.get("id_number") or row.get("reg_no", "")))
        elif cand.id in seen:
            errors.append(RowError(n, "id_number", "duplicate_row", cand.id_number))
        elif not cand.eligible or cand.stage != sits:
            errors.append(RowError(n, "id_number", "not_at_this_stage", cand.id_number))
        if score is None:
            errors.append(RowError(n, "score", "bad_score", row.get("score", "")))
        if cand is not None:
            seen.add(cand.id)
            pairs.append((cand, score))
    return pairs, errors


def import_scores(session: Session, kind: str, filename: str, data: bytes, actor: User | None,
                  max_bytes: int) -> ImportResult:
    """Import a score file for an exam: every row applies, or none does."""
    table = read_table(filename, data, SCORE_ALIASES, max_bytes, unique=True)
    if "score" not in table.fields or not {"id_number", "reg_no"} & set(table.fields):
        raise TableError("missing_column", "need a score column and an ID or registration number")
    pairs, errors = _check_rows(session, kind, table)
    if errors:
        return ImportResult(0, errors)
    attr = EXAMS[kind][0]
    for cand, score in pairs:
        audit.change(session, actor, cand, attr, score, f"import_{kind}", filename)
    session.add(ExamImport(kind=kind, filename=filename[:200], rows=len(pairs),
                           user_id=actor.id if actor else None))
    session.flush()
    return ImportResult(len(pairs), [])


@dataclass
class AdvancePlan:
    """Who would advance from an exam, and who would not, in rank order."""

    kind: str
    to_stage: str
    ranked: list[Candidate]
    advancing: list[Candidate]
    rule: str


def plan_advance(session: Session, campaign: Campaign, kind: str) -> AdvancePlan:
    """Rank those who sat the exam and pick the best N (or those at the pass mark)."""
    attr, sits, to_stage = EXAMS[kind]
    score = getattr(Candidate, attr)
    ranked = list(session.scalars(
        select(Candidate).where(Candidate.stage == sits, Candidate.eligible, score.is_not(None),
                                not_withdrawn())
        .order_by(score.desc(), Candidate.registered_at, Candidate.id)))
    n = campaign.advance(kind)
    if n > 0:
        return AdvancePlan(kind, to_stage, ranked, ranked[:n], f"best:{n}")
    mark = getattr(campaign, kind).pass_score
    passing = [c for c in ranked if getattr(c, attr) >= mark]
    return AdvancePlan(kind, to_stage, ranked, passing, f"pass_score:{mark:g}")


class ExamError(CodedError):
    """An exam action refused; `code` is stable."""


def already_advanced(session: Session, kind: str) -> bool:
    """Say whether the best of this exam were already moved on (it happens once)."""
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
                       moves[0].reason or "")


def advance_page(session: Session, campaign: Campaign, kind: str) -> tuple[AdvancePlan, bool]:
    """Return the page's list: the confirmed result (True) once there is one, else the preview."""
    confirmed = confirmed_advance(session, kind)
    if confirmed is not None:
        return confirmed, True
    return plan_advance(session, campaign, kind), False


def fingerprint(plan: AdvancePlan) -> str:
    """Return a sha256 of the rule and the ordered ids of those who would advance."""
    ids = ",".join(str(c.id) for c in plan.advancing)
    return hashlib.sha256(f"{plan.kind}|{plan.rule}|{ids}".encode()).hexdigest()


def apply_advance(session: Session, plan: AdvancePlan, actor: User | None,
                  expected: str | None = None) -> int:
    """Move the advancing candidates to the next stage once, auditing each move.

    `expected` is the fingerprint of the list that was previewed: when the plan rebuilt now
    differs (scores imported in between), nothing is applied.
    """
    if already_advanced(session, plan.kind):
        raise ExamError("already_advanced", f"the {plan.kind} advancement was already applied")
    if expected is not None and expected != fingerprint(plan):
        raise ExamError("plan_changed", f"the {plan.kind} advancement list changed since the "
                                        "preview; nothing was applied, review it again")
    for cand in plan.advancing:
        audit.change(session, actor, cand, "stage", plan.to_stage, f"advance_{plan.kind}",
                     plan.rule)
    return len(plan.advancing)
