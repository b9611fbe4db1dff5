"""Townships: the quota table (任务分解表) and the statistics table (统计表)."""

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from grader.models import STAGES, Candidate, Township, User
from grader.services.tables import Table, TableError, read_table

TOWNSHIP_ALIASES = {"编码": "code", "乡镇编码": "code", "乡镇": "name", "乡镇/街道": "name",
                    "名称": "name", "目标": "target", "报名目标": "target", "任务数": "target"}
STAT_COLUMNS = ("target", "registered", "eligible", "sat_exam", "onsite_test", "round1",
                "round2", "interview", "selected", "signed")


@dataclass
class RowError:
    """One bad row of an import: sheet row number, column and a stable code."""

    row: int
    column: str
    code: str
    value: str = ""


@dataclass
class ImportResult:
    """How an import went: rows applied, or every error with nothing applied."""

    applied: int
    errors: list[RowError]


def import_townships(session: Session, filename: str, data: bytes, max_bytes: int) -> ImportResult:
    """Create or update townships from a CSV/XLSX quota table; all or nothing."""
    table = read_table(filename, data, TOWNSHIP_ALIASES, max_bytes)
    missing = [c for c in ("name", "target") if c not in table.fields]
    if missing:
        raise TableError("missing_column", f"missing column(s): {', '.join(missing)}")
    errors, parsed = _parse_townships(table)
    if errors:
        return ImportResult(0, errors)
    for code, name, target in parsed:
        _upsert(session, code, name, target)
    session.flush()
    return ImportResult(len(parsed), [])


def _parse_townships(table: Table):
    """Check each row; return errors and the parsed (code, name, target) triples."""
    errors, parsed, seen = [], [], set()
    for n, row in table.rows:
        name, raw = row.get("name", ""), row.get("target", "")
        if not name:
            errors.append(RowError(n, "name", "missing_value"))
        elif name in seen:
            errors.append(RowError(n, "name", "duplicate_name", name))
        if not raw.isdigit():
            errors.append(RowError(n, "target", "not_a_whole_number", raw))
        seen.add(name)
        parsed.append((row.get("code") or name, name, int(raw) if raw.isdigit() else 0))
    return errors, parsed


def _upsert(session: Session, code: str, name: str, target: int) -> None:
    """Update the township of that name, or add it."""
    town = session.scalar(select(Township).where(Township.name == name))
    if town is None:
        session.add(Township(code=code, name=name, target=target))
    else:
        town.target = target


def statistics(session: Session, user: User | None = None) -> list[dict]:
    """Return per-township funnel counts against targets, scoped to the user's township."""
    def reached(stage: str):
        return func.sum(case((Candidate.stage.in_(STAGES[STAGES.index(stage):]), 1), else_=0))

    query = (select(Township.id, Township.name, Township.target, func.count(Candidate.id),
                    func.sum(case((Candidate.eligible, 1), else_=0)),
                    func.sum(case((Candidate.online_exam_score.is_not(None), 1), else_=0)),
                    *[reached(s) for s in STAGES[1:]])
             .outerjoin(Candidate, Candidate.township_id == Township.id)
             .group_by(Township.id, Township.name, Township.target).order_by(Township.code))
    if user is not None and user.role == "township_staff":
        query = query.where(Township.id == user.township_id)
    return [_stat_row(r) for r in session.execute(query)]


def _stat_row(r) -> dict:
    """Turn one result row into a dict with the sat-exam completion rate."""
    row = {"township_id": r[0], "township": r[1]}
    row.update({k: int(v or 0) for k, v in zip(STAT_COLUMNS, r[2:], strict=True)})
    row["completion"] = round(row["sat_exam"] / row["target"], 4) if row["target"] else None
    return row


def totals(rows: list[dict]) -> dict:
    """Sum the statistic columns over townships."""
    total = {k: sum(r[k] for r in rows) for k in STAT_COLUMNS}
    total["completion"] = round(total["sat_exam"] / total["target"], 4) if total["target"] else None
    return total
