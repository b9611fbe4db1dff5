"""Survey form schema: questions, cell parsing and per-cell errors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

from surveys.phones import cell_text, phone_info

KINDS = ("text", "int", "number", "yesno", "date", "choice", "phone")
SHANGHAI = timezone(timedelta(hours=8))


class SheetError(ValueError):
    """A file or an argument that cannot be used: English and Chinese messages, a stable code.

    `code` and `params` let an application say it in its own words (`bad_csv`, or
    `missing_column` with `columns`); `zh` is the package's own Chinese for the CLI.
    """

    def __init__(self, en: str, zh: str = "", code: str = "bad_sheet",
                 **params: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh or en
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Question:
    """One column of the survey form; ``low``/``high`` bound plausible numeric answers.

    ``zh`` is the header of the sheet and the label by default; ``en`` is the English label
    (the Chinese stands in when it is empty).
    """

    name: str
    zh: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    example: str = ""
    aliases: tuple[str, ...] = ()
    en: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.zh:
            raise SheetError("a question needs a name and a Chinese header")
        if self.kind not in KINDS:
            raise SheetError(f"question {self.name}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise SheetError(f"question {self.name}: a choice question needs choices")

    @classmethod
    def from_spec(cls, spec: Question | Mapping[str, Any]) -> Question:
        """Build a question from a campaign-file mapping (or pass one through)."""
        if isinstance(spec, Question):
            return spec
        known = {k: v for k, v in spec.items() if k in cls.__dataclass_fields__}
        for key in ("choices", "aliases"):
            if key in known:
                known[key] = tuple(str(v) for v in known[key])
        return cls(**known)


BASE_QUESTIONS = (
    Question("candidate", "报名编号", example="C0001", aliases=("报名号", "编号"),
             en="Registration number"),
    Question("name", "户主姓名", example="张三", aliases=("姓名", "户主"),
             en="Head of household"),
    Question("phone", "联系电话", "phone", example="13800138000",
             aliases=("电话", "手机号", "手机号码", "联系方式"), en="Phone number"),
    Question("village", "村组", example="城关镇王庄村一组", aliases=("村", "村名", "所在村"),
             en="Village and group"),
    Question("household_size", "家庭人口", "int", low=1, high=20, example="4",
             aliases=("人口", "家庭人口数"), en="Household size"),
    Question("shops_online", "是否网购", "yesno", example="是", aliases=("网购",),
             en="Shops online"),
    Question("surveyed_at", "调研日期", "date", example="2016-05-26 10:30",
             aliases=("调研时间", "调查日期", "日期"), en="Survey date"),
)

REASONS = {
    "missing": ("必填项为空", "required value is empty"),
    "invalid_phone": ("不是有效的中国大陆电话号码（固话请带区号）",
                      "not a valid mainland China phone number (landlines need the area code)"),
    "not_an_integer": ("应为整数", "must be a whole number"),
    "not_a_number": ("应为数字", "must be a number"),
    "not_yes_no": ("应填“是”或“否”", "must be yes or no (是/否)"),
    "not_a_date": ("日期格式应为 2016-05-26 或 2016-05-26 10:30",
                   "must be a date such as 2016-05-26 or 2016-05-26 10:30"),
    "not_a_choice": ("不在可选项中", "is not one of the allowed choices"),
}


@dataclass(frozen=True)
class CellError:
    """One bad cell: sheet row (header = 1), question name, code and messages."""

    row: int
    column: str
    code: str
    zh: str
    en: str


@dataclass
class SurveyRow:
    """One parsed form: sheet row number, typed values by question name, cell errors."""

    row: int
    values: dict[str, Any]
    errors: tuple[CellError, ...] = field(default=())

    @property
    def candidate(self) -> str | None:
        """Return the candidate id of the form."""
        return self.values.get("candidate")

    @property
    def valid(self) -> bool:
        """Return True when every cell parsed."""
        return not self.errors


def all_questions(extra: Iterable[Question | Mapping[str, Any]] = ()) -> tuple[Question, ...]:
    """Return the base questions followed by the campaign's extra ones."""
    questions = BASE_QUESTIONS + tuple(Question.from_spec(q) for q in extra)
    names = [q.name for q in questions] + [q.zh for q in questions]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SheetError(f"questions named twice: {', '.join(dup)}", f"问题重复：{'、'.join(dup)}")
    return questions


def cell_message(code: str) -> tuple[str, str]:
    """Return what is wrong with an answer, (zh, en), without the sheet's row and column."""
    return REASONS.get(code, (code, code))


def cell_error(row: int, question: Question, code: str) -> CellError:
    """Return the error for one cell with its Chinese and English messages."""
    zh, en = REASONS[code]
    return CellError(row, question.name, code, f"第{row}行「{question.zh}」：{zh}",
                     f"row {row}, {question.name}: {en}")


def parse_record(row: int, raw: Mapping[str, Any], questions: Iterable[Question]) -> SurveyRow:
    """Parse one form's raw cells (keyed by question name) into a SurveyRow."""
    values: dict[str, Any] = {}
    errors = []
    for question in questions:
        value, code = parse_cell(question, raw.get(question.name))
        values[question.name] = value
        if code:
            errors.append(cell_error(row, question, code))
    return SurveyRow(row, values, tuple(errors))


def parse_cell(question: Question, raw: Any) -> tuple[Any, str | None]:
    """Return a cell's typed value and an error code (None when fine)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ("missing" if question.required else None)
    value = _PARSERS[question.kind](raw, question)
    if value is None:
        return None, _FAILURE[question.kind]
    return value, None


def _text(raw: Any, question: Question) -> str | None:
    return cell_text(raw) or None


def _phone(raw: Any, question: Question) -> str | None:
    text = cell_text(raw)
    return text if phone_info(text) else None


_INT = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


def _int(raw: Any, question: Question) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if float(raw).is_integer() else None
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("人").removesuffix("口")
    return int(float(text)) if _INT.fullmatch(text.strip()) else None


def _number(raw: Any, question: Question) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    return float(text) if _NUMBER.fullmatch(text) else None


_YES = {"是", "有", "会", "对", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "无", "没有", "不", "不会", "n", "no", "false", "0", "×", "✗"}


def _yesno(raw: Any, question: Question) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFKC", cell_text(raw)).casefold()
    return True if text in _YES else False if text in _NO else None


def _choice(raw: Any, question: Question) -> str | None:
    text = cell_text(raw)
    return text if text in question.choices else None


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
                   r"(?:[ T]+(\d{1,2})[:：时](\d{1,2})分?(?:[:：](\d{1,2})秒?)?)?")


def _date(raw: Any, question: Question) -> date | datetime | None:
    if isinstance(raw, datetime):
        return as_local(raw)
    if isinstance(raw, date):
        return raw
    text = unicodedata.normalize("NFKC", cell_text(raw))
    match = _DATE.fullmatch(text)
    try:
        if not match:
            return as_local(datetime.fromisoformat(text))
        year, month, day, hour, minute, second = (int(p or 0) for p in match.groups())
        if match.group(4) is None:
            return date(year, month, day)
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def as_local(moment: datetime) -> date | datetime:
    """Return a naive Asia/Shanghai datetime; a bare midnight is taken as a date."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date()
    return moment


_PARSERS = {"text": _text, "phone": _phone, "int": _int, "number": _number,
            "yesno": _yesno, "choice": _choice, "date": _date}
_FAILURE = {"text": "missing", "phone": "invalid_phone", "int": "not_an_integer",
            "number": "not_a_number", "yesno": "not_yes_no", "choice": "not_a_choice",
            "date": "not_a_date"}
