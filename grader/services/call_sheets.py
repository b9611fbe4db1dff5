"""Call lists on paper or in Excel: the export for calling offline and its re-import."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError, Forbidden
from grader.models import Candidate, SpotCheck, User
from grader.services import calls
from grader.services.records import small_id
from grader.services.tables import read_table
from surveys import OUTCOMES

# The answer columns stay blank on export: the caller writes what the villager says.
CALL_HEADER = ["抽查编号", "电话员", "报名编号", "户主姓名", "联系电话", "要问的问题", "结果",
               "村民答：家庭人口", "村民答：是否网购", "村民答：村组", "备注"]
ASK = "是否有人上门做过农村淘宝调研？家里几口人？平时网购吗？住哪个村组？"
# 家庭人口/是否网购 were blank answer columns in earlier lists too; their 村组 column held the
# survey's own village, so it is never read back as an answer.
CALL_ALIASES = {"抽查编号": "id", "结果": "outcome", "村民答：家庭人口": "household_size",
                "村民答：是否网购": "shops_online", "村民答：村组": "village", "备注": "note",
                "家庭人口": "household_size", "是否网购": "shops_online",
                # the headers of a list exported from an English page (the catalogue's words)
                "Call no.": "id", "Result": "outcome", "Villager: household size": "household_size",
                "Villager: shops online": "shops_online", "Villager: village and group": "village",
                "Note": "note"}
OUTCOME_ZH = {"confirmed": "属实", "denied": "否认", "wrong_number": "号码错误",
              "unreachable": "无人接听", "refused": "拒绝回答"}
MAX_BYTES = 5 << 20


class CallSheetError(CodedError):
    """A filled call list with rows that cannot be read; every bad row is named in `rows`."""

    def __init__(self, rows: list[dict]):
        super().__init__("bad_row", f"{len(rows)} bad row(s)")
        self.rows = rows


@dataclass
class CallImport:
    """What a re-import recorded, and how many rows it left alone (recorded already)."""

    recorded: int = 0
    kept: int = 0
    todo: list = field(default_factory=list)


def sheet_rows(todo: list[SpotCheck], names: dict[int, str],
               phone: Callable[[str | None], str]) -> list[list]:
    """Return the rows of the offline call list, the answer columns blank."""
    return [[c.id, names.get(c.caller_id, ""), c.candidate.reg_no, c.form.name,
             phone(c.form.phone_e164), ASK, "", "", "", "", ""] for c in todo]


def import_calls(session: Session, campaign: Campaign, caller: User, filename: str, data: bytes,
                 may_see: Callable[[Candidate], bool]) -> CallImport:
    """Record outcomes from a filled call list, all or nothing, reading only what callers wrote.

    A call whose outcome was recorded already (on the calling screen) keeps it.
    """
    table = read_table(filename or "calls.xlsx", data, CALL_ALIASES, MAX_BYTES)
    found, bad = _read_rows(session, table.rows, may_see)
    if bad:  # all or nothing: fix the sheet and import it again
        raise CallSheetError(bad)
    for call, outcome, row in found.todo:
        answers = {q: row.get(q, "").strip() for q in calls.ASKED}
        calls.record(session, campaign, call, caller, outcome, answers, row.get("note", ""))
    found.recorded = len(found.todo)
    return found


def _read_rows(session: Session, rows: list, may_see: Callable[[Candidate], bool]
               ) -> tuple[CallImport, list[dict]]:
    """Sort the sheet's filled rows into calls to record, calls kept, and bad rows."""
    by_zh = {v: k for k, v in OUTCOME_ZH.items()}
    found, bad, seen = CallImport(), [], set()
    for n, row in rows:
        outcome = by_zh.get(row.get("outcome", "").strip(), row.get("outcome", "").strip())
        if not outcome:
            continue
        call_id = small_id(row.get("id", "").strip())
        problem = _row_problem(session, call_id, outcome, seen, may_see)
        seen.add(call_id)
        if problem is not None:
            bad.append({"code": problem, "n": n, "v": row.get("id" if problem != "call_outcome"
                                                              else "outcome", ""),
                        "ok": "、".join(OUTCOME_ZH.values())})
        elif (call := session.get(SpotCheck, call_id)).outcome is not None:
            found.kept += 1
        else:
            found.todo.append((call, outcome, row))
    return found, bad


def _row_problem(session: Session, call_id: int | None, outcome: str, seen: set,
                 may_see: Callable[[Candidate], bool]) -> str | None:
    """Name what is wrong with one filled row, or None; a call out of scope is forbidden."""
    if call_id in seen:
        return "call_id_twice"
    call = session.get(SpotCheck, call_id) if call_id is not None else None
    if call is None:
        return "call_id_unknown"
    if outcome not in OUTCOMES:
        return "call_outcome"
    if not may_see(call.candidate):
        raise Forbidden("not_your_candidate", "a call of a candidate out of scope")
    return None
