"""Read survey sheets (CSV or XLSX) into rows and write the county's XLSX template."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Mapping, Sequence

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from surveys.phones import cell_text
from surveys.schema import (BASE_QUESTIONS, CellError, Question, SheetError, SurveyRow, all_questions,
                            parse_record)

Source = str | os.PathLike[str] | BinaryIO | bytes
DATA_SHEET = "调研表"
HELP_SHEET = "填写说明"
_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK
MAX_ROWS = 100_000
MAX_COLUMNS = 200


class SheetTooLarge(SheetError):
    """A sheet past MAX_ROWS rows or MAX_COLUMNS columns, refused before it is read whole."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(f"the sheet is too large: {en}; at most {MAX_ROWS} rows and "
                         f"{MAX_COLUMNS} columns are read",
                         f"表格太大：{zh}；最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列，请删除多余的行列后再导入")


@dataclass
class Table:
    """A sheet's header cells and its non-empty data rows as (row number, cells)."""

    headers: list[str]
    rows: list[tuple[int, Sequence[Any]]]


@dataclass
class ImportResult:
    """Parsed rows; ``accepted`` is all or nothing unless ``keep_valid`` is set."""

    rows: list[SurveyRow]
    keep_valid: bool = False

    @property
    def errors(self) -> list[CellError]:
        """Return every cell error in row order."""
        return [error for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        """Return True when no cell had an error."""
        return all(row.valid for row in self.rows)

    @property
    def accepted(self) -> list[SurveyRow]:
        """Return the rows to store: all, none, or (keep_valid) the valid ones."""
        if self.ok or self.keep_valid:
            return [row for row in self.rows if row.valid]
        return []

    @property
    def rejected(self) -> list[SurveyRow]:
        """Return the rows with at least one cell error."""
        return [row for row in self.rows if not row.valid]


def read_bytes(source: Source) -> bytes:
    """Return the bytes of a path, a binary stream or bytes."""
    if isinstance(source, bytes):
        return source
    if hasattr(source, "read"):
        return source.read()
    try:
        with open(source, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise SheetError(f"cannot read {os.fspath(source)}: {exc.strerror}", "无法读取文件") from exc


def read_table(source: Source) -> Table:
    """Read the first sheet of an XLSX file or a CSV file (sniffed from the bytes).

    Sheets past MAX_ROWS rows or MAX_COLUMNS columns raise SheetTooLarge.
    """
    data = read_bytes(source)
    grid = _xlsx_grid(data) if data[:4] == b"PK\x03\x04" else _csv_grid(data)
    numbered = [(n, cells) for n, cells in enumerate(grid, start=1)
                if any(cell_text(c) for c in cells)]
    if not numbered:
        raise SheetError("the sheet is empty", "表格为空", "no_header")
    (_, header), *rows = numbered
    return Table([cell_text(h) for h in header], rows)


def read_records(source: Source) -> list[dict[str, str]]:
    """Read a sheet into dicts of header to cell text (for back-check data)."""
    table = read_table(source)
    headers = table.headers
    dup = sorted({h for h in headers if h and headers.count(h) > 1})
    if dup:
        raise SheetError(f"duplicate column headers: {', '.join(dup)}", "表头重复",
                         "duplicate_header")
    return [{h: cell_text(c) for h, c in zip(headers, cells, strict=False) if h} for _, cells in table.rows]


def _csv_grid(data: bytes) -> list[Sequence[Any]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count)
    try:
        return _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # e.g. an unclosed quote running past the field size limit
        raise SheetError(f"the CSV file cannot be read: {exc}",
                         "CSV文件格式有误（可能有未配对的引号），请用Excel另存为后再导入",
                         "bad_csv") from exc


def _bounded(rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    """Collect rows, refusing the sheet as soon as it passes the row or column limit."""
    grid = []
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise SheetTooLarge(f"more than {MAX_ROWS} rows", f"超过 {MAX_ROWS} 行")
        if len(cells) > MAX_COLUMNS:
            raise SheetTooLarge(f"row {number} reaches column {len(cells)}",
                                f"第 {number} 行用到了第 {len(cells)} 列")
        grid.append(cells)
    return grid


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("the CSV file is neither UTF-8 nor GBK text",
                     "CSV 文件编码无法识别（应为 UTF-8 或 GBK）", "bad_encoding")


def _xlsx_grid(data: bytes) -> list[Sequence[Any]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # unsupported extensions in user files
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _sheet_grid(book.worksheets[0])
            finally:
                book.close()
    except SheetError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError,
            OSError, EOFError) as exc:  # OSError: a ZIP with no workbook part
        raise SheetError("not a readable XLSX file", "无法读取该 XLSX 文件", "bad_xlsx") from exc


def _sheet_grid(sheet: Any) -> list[Sequence[Any]]:
    """Read a read-only sheet, refusing a huge used range before padding any cell."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0  # the dimension record, if any
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise SheetTooLarge(f"its used range is {rows} rows by {columns} columns",
                            f"用到了 {rows} 行、{columns} 列")
    # The record may be missing or wrong: read without it, each row as wide as its last
    # cell, and stop at the first row past a limit.
    sheet.reset_dimensions()
    return _bounded(sheet.iter_rows(values_only=True))


def map_headers(headers: list[str], questions: Iterable[Question]) -> dict[int, str]:
    """Map column positions to question names (English or Chinese headers)."""
    lookup = {}
    for question in questions:
        for label in (question.name, question.zh, question.en, *question.aliases):
            if label:  # a question without an English label has an empty `en`
                lookup[_label(label)] = question.name
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = lookup.get(_label(header))
        if name in mapping.values():
            raise SheetError(f"two columns are both {name}", f"有两列都是「{header}」",
                             "two_columns", header=header)
        if name:
            mapping[index] = name
    return mapping


def _label(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().rstrip("*").strip().casefold()


def _check_columns(mapping: dict[int, str], questions: tuple[Question, ...]) -> None:
    present = set(mapping.values())
    missing = [q for q in questions if q.required and q.name not in present]
    if missing:
        en = ", ".join(f"{q.en} ({q.name})" if q.en else q.name for q in missing)
        zh = "、".join(q.zh for q in missing)
        raise SheetError(f"missing columns: {en}", f"缺少列：{zh}", "missing_columns", columns=zh)


def import_sheet(source: Source, extra_questions: Iterable[Question | Mapping[str, Any]] = (), *,
                 keep_valid: bool = False) -> ImportResult:
    """Read and parse a survey sheet; the template's untouched example row is skipped."""
    questions = all_questions(extra_questions)
    table = read_table(source)
    mapping = map_headers(table.headers, questions)
    _check_columns(mapping, questions)
    example = example_values()
    rows = []
    for number, cells in table.rows:
        raw = {name: cells[i] for i, name in mapping.items() if i < len(cells)}
        row = parse_record(number, raw, questions)
        if {name: row.values[name] for name in example} != example:
            rows.append(row)
    return ImportResult(rows, keep_valid)


def example_values() -> dict[str, Any]:
    """Return the base answers of the template's example row, parsed."""
    return parse_record(2, {q.name: q.example for q in BASE_QUESTIONS}, BASE_QUESTIONS).values


def write_template_xlsx(target: str | os.PathLike[str] | BinaryIO,
                        extra_questions: Iterable[Question | Mapping[str, Any]] = (), *,
                        english: bool = False) -> None:
    """Write the county template: headers, an example row, a help sheet (Chinese or English).

    Either language's sheet reads back: headers match a question's Chinese, English label or
    name, and yes/no cells take 是/否 or yes/no.
    """
    questions = all_questions(extra_questions)
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]  # a new workbook's one (active) sheet
    sheet.title = "Survey" if english else DATA_SHEET
    sheet.append([(q.en or q.zh) if english else q.zh for q in questions])
    sheet.append([_example_cell(q, english) for q in questions])
    _style_template(sheet, questions, english)
    help_sheet = book.create_sheet("How to fill in" if english else HELP_SHEET)
    (_write_help_en if english else _write_help)(help_sheet, questions)
    book.save(target)


def _example_cell(question: Question, english: bool = False) -> Any:
    value = parse_record(2, {question.name: question.example}, (question,)).values[question.name]
    if question.kind in ("text", "phone") or value is None:
        return question.example
    if question.kind == "yesno":
        return _YES_NO[english][0 if value else 1]
    return value


def _style_template(sheet: Any, questions: tuple[Question, ...], english: bool = False) -> None:
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, question in enumerate(questions, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet[f"{letter}1"].fill = header_fill
        sheet[f"{letter}2"].font = Font(italic=True, color="808080")
        sheet.column_dimensions[letter].width = max(12, 2 * len(question.zh) + 4)
        _format_column(sheet, letter, question, english)
    sheet.freeze_panes = "A2"


def _format_column(sheet: Any, letter: str, question: Question, english: bool = False) -> None:
    if question.kind == "phone":  # keep numbers as text so Excel does not write 1.38E+10
        sheet.column_dimensions[letter].number_format = "@"
        sheet[f"{letter}2"].number_format = "@"
    if question.kind == "date":
        sheet[f"{letter}2"].number_format = "yyyy-mm-dd hh:mm"
    choices = _YES_NO[english] if question.kind == "yesno" else question.choices
    if choices and question.kind in ("yesno", "choice"):
        valid = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
        valid.add(f"{letter}2:{letter}1001")
        sheet.add_data_validation(valid)


_KIND_HELP = {"text": "文字", "phone": "手机号或带区号的固话", "int": "整数", "number": "数字",
              "yesno": "是/否", "date": "日期，如 2016-05-26 或 2016-05-26 10:30",
              "choice": "从下拉选项中选择"}


_YES_NO = {False: ("是", "否"), True: ("yes", "no")}
_KIND_HELP_EN = {"text": "text", "phone": "a mobile number, or a landline with its area code",
                 "int": "a whole number", "number": "a number", "yesno": "yes/no",
                 "date": "a date, e.g. 2016-05-26 or 2016-05-26 10:30",
                 "choice": "one of the list's choices"}


def _write_help_en(sheet: Any, questions: tuple[Question, ...]) -> None:
    sheet.append(["Column", "Key", "Required", "Format", "Example"])
    for question in questions:
        kind = _KIND_HELP_EN[question.kind]
        if question.choices:
            kind += ": " + "/".join(question.choices)
        sheet.append([question.en or question.zh, question.name,
                      "yes" if question.required else "no", kind, question.example])
    sheet.append([])
    sheet.append(["Row 2 of the Survey sheet is an example (grey): left as it is, it is skipped "
                  "on import."])
    sheet.append(["One household a row; the registration number and the phone number must be "
                  "right: spot checks call that number."])


def _write_help(sheet: Any, questions: tuple[Question, ...]) -> None:
    sheet.append(["列名", "English", "必填", "格式", "示例"])
    for question in questions:
        kind = _KIND_HELP[question.kind]
        if question.choices:
            kind += "：" + "/".join(question.choices)
        sheet.append([question.zh, question.name, "是" if question.required else "否", kind,
                      question.example])
    sheet.append([])
    sheet.append(["说明：「调研表」第2行为示例（灰色），原样保留时导入会自动跳过。"])
    sheet.append(["一行一户；报名编号、联系电话必须准确，抽查电话会拨打该号码。"])
