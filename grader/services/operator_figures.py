"""The operator's daily data export: the trial's figures of record, beside the self-reported.

Round 2's operations figures (orders, sales, villagers served, app activations) were typed
in by the candidates. The operator's export, one row per candidate per trial day, is stored
as the figure of record; the round-2 facts use it for every day it covers, and staff see the
days where the candidate's own figure is further from it than the campaign's tolerance.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, DailyReport, OperatorFigure, User
from grader.models.base import SHANGHAI
from grader.services import audit, bulk
from grader.services.rounds import round_published
from grader.services.tables import TableError, read_table
from grader.services.townships import ImportResult, RowError
from grader.services.trial import FIGURES, TRIAL_STAGES, trial_start

ALIASES = {
    "身份证号": "id_number", "身份证号码": "id_number", "报名编号": "reg_no",
    "天": "day", "第几天": "day", "试运营天数": "day", "日期": "date",
    "订单数": "orders", "订单": "orders", "订单量": "orders",
    "销售额": "sales_yuan", "销售额（元）": "sales_yuan", "销售额(元)": "sales_yuan",
    "交易额": "sales_yuan", "服务村民数": "villagers_served", "服务村民": "villagers_served",
    "服务人数": "villagers_served", "APP激活数": "app_activations", "app激活数": "app_activations",
    "激活数": "app_activations", "手机淘宝激活数": "app_activations",
}
WHOLE = ("orders", "villagers_served", "app_activations")


class FigureError(CodedError):
    """A figure import refused whole; `code` is stable."""


@dataclass
class FigureCheck:
    """An export read and checked: (row, candidate, day, figures) that apply, rows refused."""

    good: list[tuple[int, Candidate, int, dict[str, float]]]
    refused: list[RowError]

    def fingerprint(self) -> str:
        """Return a sha256 of what would be stored."""
        text = ";".join(f"{n},{c.id},{d},{sorted(f.items())}" for n, c, d, f in self.good)
        return hashlib.sha256(text.encode()).hexdigest()


def _candidates(session: Session, table) -> dict[str, Candidate]:
    """Load the candidates the rows name, keyed by ID number and registration number."""
    ids = {r.get("id_number", "").strip().upper() for _, r in table.rows} - {""}
    regs = {r.get("reg_no", "").strip() for _, r in table.rows} - {""}
    out: dict[str, Candidate] = {}
    for column, keys in ((Candidate.id_number, sorted(ids)), (Candidate.reg_no, sorted(regs))):
        for i in range(0, len(keys), 500):
            for cand in session.scalars(select(Candidate).where(column.in_(keys[i:i + 500]))):
                out[cand.id_number], out[cand.reg_no] = cand, cand
    return out


def _find(known: dict[str, Candidate], row: dict) -> Candidate | None:
    """Find the row's candidate by ID number or, without one, registration number."""
    if row.get("id_number", "").strip():
        return known.get(row["id_number"].strip().upper())
    return known.get(row.get("reg_no", "").strip() or "\0")


def _day(row: dict, campaign: Campaign) -> int | None:
    """Read the trial day: a day number, or a date counted from the trial's first day."""
    days = campaign.round2.days
    raw = row.get("day", "").strip()
    if raw:
        return int(raw) if raw.isdigit() and 1 <= int(raw) <= days else None
    text = row.get("date", "").strip()[:10].replace("/", "-")
    try:
        when = date.fromisoformat(text)
    except ValueError:
        return None
    first = trial_start(campaign).astimezone(SHANGHAI).date()
    n = (when - first).days + 1
    return n if 1 <= n <= days else None


def _figures(row: dict) -> tuple[dict[str, float], list[str]]:
    """Read the four figures; return them and the names of those that are no figure."""
    values, bad = {}, []
    for name in FIGURES:
        raw = row.get(name, "").strip() or "0"
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not 0 <= value <= 1_000_000 or (
                name in WHOLE and value != int(value)):
            bad.append(name)
        else:
            values[name] = int(value) if name in WHOLE else value
    return values, bad


def check_figures(session: Session, campaign: Campaign, filename: str, data: bytes,
                  max_bytes: int) -> FigureCheck:
    """Read an export; refuse a malformed one whole, else sort its rows into good and refused."""
    table = read_table(filename, data, ALIASES, max_bytes, unique=True)
    have = set(table.fields)
    if not {"id_number", "reg_no"} & have or not {"day", "date"} & have or \
            not set(FIGURES) & have:
        raise TableError("missing_column", "need an ID or registration number, a day or date, "
                                           "and at least one figure column")
    found, seen, known = FigureCheck([], []), set(), _candidates(session, table)
    for n, row in table.rows:
        cand, day = _find(known, row), _day(row, campaign)
        values, bad = _figures(row)
        errors = _row_errors(cand, day, row, seen) + [(f, "bad_figure", row.get(f, "")[:40])
                                                     for f in bad]
        found.refused += [RowError(n, col, code, value) for col, code, value in errors]
        if cand is not None and day is not None:
            seen.add((cand.id, day))
        if not errors:
            found.good.append((n, cand, day, values))
    return found


def _row_errors(cand: Candidate | None, day: int | None, row: dict, seen: set) -> list:
    """Return (column, code, value) for what is wrong with a row's candidate and day."""
    errors = []
    if cand is None:
        errors.append(("id_number", "unknown_candidate",
                       row.get("id_number") or row.get("reg_no", "")))
    elif cand.stage not in TRIAL_STAGES:
        errors.append(("id_number", "not_in_trial", cand.id_number))
    if day is None:
        errors.append(("day", "bad_trial_day", (row.get("day") or row.get("date", ""))[:40]))
    elif cand is not None and (cand.id, day) in seen:
        errors.append(("day", "duplicate_row", str(day)))
    return errors


@audit.in_bulk
def import_figures(session: Session, campaign: Campaign, filename: str, data: bytes,
                   actor: User | None, max_bytes: int, expected: str | None = None,
                   upload_id: int | None = None) -> ImportResult:
    """Store the export's good rows as the figures of record (a later export replaces a day).

    Refused once round 2 is published (its facts are frozen), or when the rows that would
    apply differ from the preview's `expected` fingerprint.
    """
    if round_published(session, "2"):
        raise FigureError("round_closed", "round 2 is published; its figures are closed")
    found = check_figures(session, campaign, filename, data, max_bytes)
    if expected is not None and expected != found.fingerprint():
        raise FigureError("import_changed", "the rows changed since the preview; review again")
    stored = {(f.candidate_id, f.day): f for f in session.scalars(select(OperatorFigure).where(
        OperatorFigure.candidate_id.in_({c.id for _, c, _, _ in found.good})))}
    added = {}
    for _n, cand, day, values in found.good:
        figure = stored.get((cand.id, day))
        if figure is None:
            added[(cand.id, day)] = (cand, values)
            continue
        figure.upload_id = upload_id
        for name, value in values.items():
            audit.change(session, actor, figure, name, value, "import_operator_figures",
                         cand.reg_no)
    session.flush()
    rows = [{"candidate_id": cid, "day": day, "upload_id": upload_id, **values}
            for (cid, day), (_c, values) in added.items()]
    for figure, (cand, values) in zip(bulk.insert_loaded(
            session, OperatorFigure, rows, ("candidate_id", "day")), added.values(), strict=True):
        audit.record(session, actor, "import_operator_figures", "operator_figure", figure.id,
                     f"day{figure.day}", None, values, cand.reg_no)  # audited once ids are known
    return ImportResult(len(found.good), found.refused)


def of_record(session: Session, ids: list[int]) -> dict[int, dict[int, OperatorFigure]]:
    """Map candidate to their figures of record by day."""
    out: dict[int, dict[int, OperatorFigure]] = {c: {} for c in ids}
    for fig in session.scalars(select(OperatorFigure).where(OperatorFigure.candidate_id.in_(ids))):
        out[fig.candidate_id][fig.day] = fig
    return out


def totals(reports: dict[int, DailyReport], record: dict[int, OperatorFigure]) -> dict:
    """Sum each figure over the trial days: the record where there is one, else self-reported."""
    days = set(reports) | set(record)
    return {f: sum(getattr(record.get(d) or reports[d], f) for d in days) for f in FIGURES}


@dataclass
class Difference:
    """A day's self-reported figure further from the record than the tolerance."""

    candidate: Candidate
    day: int
    figure: str
    reported: float
    record: float


def differences(session: Session, campaign: Campaign) -> list[Difference]:
    """List every self-reported figure beyond the tolerance from the record, by candidate, day."""
    tol = campaign.round2.figure_check
    rows = session.execute(
        select(DailyReport, OperatorFigure).join(OperatorFigure, (
            OperatorFigure.candidate_id == DailyReport.candidate_id) & (
            OperatorFigure.day == DailyReport.day))
        .options(joinedload(DailyReport.candidate).joinedload(Candidate.township))
        .order_by(DailyReport.candidate_id, DailyReport.day)).all()
    out = []
    for report, figure in rows:
        for name in FIGURES:
            mine, theirs = getattr(report, name), getattr(figure, name)
            if abs(mine - theirs) > max(tol.absolute, tol.relative * theirs):
                out.append(Difference(report.candidate, report.day, name, mine, theirs))
    return out


def preview_upload(session: Session, storage, campaign: Campaign, filename: str, data: bytes,
                   actor: User | None, max_bytes: int):
    """Check an export and keep it for its confirmation; return the upload and the check."""
    from grader.services import staged

    found = check_figures(session, campaign, filename, data, max_bytes)
    return staged.stage(session, storage, "operator_figures", filename, data, actor), found


def confirm_upload(session: Session, storage, campaign: Campaign, upload_id: int | None,
                   actor: User | None, expected: str, max_bytes: int) -> ImportResult:
    """Store a previewed export's good rows, if they are still the rows previewed."""
    from grader.services import staged

    upload, data = staged.waiting(session, storage, upload_id, "operator_figures")
    result = import_figures(session, campaign, upload.filename, data, actor, max_bytes,
                            expected, upload.id)
    staged.applied(upload, result.applied)
    return result
