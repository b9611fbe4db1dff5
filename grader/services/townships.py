"""Townships: the quota table (任务分解表) and the statistics table (统计表)."""

import re
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from grader.models import STAGES, Candidate, Township, User
from grader.models.states import Role
from grader.services import audit
from grader.services.tables import Table, TableError, read_table

TOWNSHIP_ALIASES = {"编码": "code", "乡镇编码": "code", "乡镇": "name", "乡镇/街道": "name",
                    "名称": "name", "目标": "target", "报名目标": "target", "任务数": "target"}
CODE_MAX, NAME_MAX = 32, 64  # the column sizes of township.code and township.name
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


def import_townships(session: Session, filename: str, data: bytes, max_bytes: int,
                     actor: User | None = None) -> ImportResult:
    """Create or update townships from a CSV/XLSX quota table; all or nothing, audited."""
    table = read_table(filename, data, TOWNSHIP_ALIASES, max_bytes, unique=True)
    missing = [c for c in ("name", "target") if c not in table.fields]
    if missing:
        raise TableError("missing_column", f"missing column(s): {', '.join(missing)}")
    errors, parsed = _parse_townships(table, _codes_by_name(session))
    if errors:
        return ImportResult(0, errors)
    for code, name, target in parsed:
        _upsert(session, actor, code, name, target, filename[:200])
    session.flush()
    return ImportResult(len(parsed), [])


def parse_target(raw: str) -> tuple[int | None, str | None]:
    """Read a registration target: a whole number 0..999999, else (None, error code)."""
    text = raw.strip()
    if re.fullmatch(r"\d{1,6}", text):
        return int(text), None
    return None, "target_too_large" if re.fullmatch(r"\d+", text) else "not_a_whole_number"


def _codes_by_name(session: Session) -> dict[str, str]:
    """Map every township name in the database to its code."""
    return {name: code for name, code in session.execute(select(Township.name, Township.code))}


def _parse_townships(table: Table, known: dict[str, str]):
    """Check each row; return errors and the parsed (code, name, target) triples."""
    errors, parsed, names, codes = [], [], set(), set()
    in_use = {code: name for name, code in known.items()}
    for n, row in table.rows:
        name, raw = row.get("name", ""), row.get("target", "")
        code = row.get("code") or known.get(name) or name  # no code: keep it, or use the name
        errors += _name_errors(n, name, names) + _code_errors(n, code, name, codes, in_use)
        target, problem = parse_target(raw)
        if problem:
            errors.append(RowError(n, "target", problem, raw[:40]))
        names.add(name)
        codes.add(code)
        parsed.append((code, name, target))
    return errors, parsed


def _name_errors(n: int, name: str, seen: set[str]) -> list[RowError]:
    """Refuse a missing, repeated or overlong township name."""
    if not name:
        return [RowError(n, "name", "missing_value")]
    if name in seen:
        return [RowError(n, "name", "duplicate_name", name)]
    if len(name) > NAME_MAX:
        return [RowError(n, "name", "too_long", name[:40])]
    return []


def _code_errors(n: int, code: str, name: str, seen: set[str],
                 in_use: dict[str, str]) -> list[RowError]:
    """Refuse a code repeated in the file, held by another township, or overlong."""
    if name in seen or not name:
        return []  # the name's error already covers this row (the code defaults to it)
    if code in seen:
        return [RowError(n, "code", "duplicate_code", code)]
    if in_use.get(code, name) != name:
        return [RowError(n, "code", "code_taken", code)]
    if len(code) > CODE_MAX:
        return [RowError(n, "code", "too_long", code[:40])]
    return []


def _upsert(session: Session, actor: User | None, code: str, name: str, target: int,
            source: str) -> None:
    """Update the township of that name (its code and target), or add it; audit the change."""
    town = session.scalar(select(Township).where(Township.name == name))
    if town is None:
        town = Township(code=code, name=name, target=target)
        session.add(town)
        session.flush()
        audit.record(session, actor, "import_township", "township", town.id, "target", None,
                     target, source)
        return
    audit.change(session, actor, town, "code", code, "import_township", source)
    audit.change(session, actor, town, "target", target, "import_township", source)


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
    if user is not None and user.role == Role.TOWNSHIP_STAFF:
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


def all_townships(session: Session) -> list[Township]:
    """Return every township in code order."""
    return list(session.scalars(select(Township).order_by(Township.code)))


def set_target(session: Session, actor: User, town: Township, target: int) -> None:
    """Change a township's registration target, audited."""
    audit.change(session, actor, town, "target", target, "set_target")
