"""Read uploaded CSV/XLSX tables into rows with clear, specific errors."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from grader.errors import CodedError
from surveys import SheetError, sheets
from surveys.phones import cell_text

R = TypeVar("R")


class TableError(CodedError):
    """A file that cannot be read as a table; `code` is stable, message is English."""


@dataclass
class Table:
    """Header names (normalised to field keys) and rows keyed by them, with sheet row numbers."""

    fields: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(filename: str, data: bytes, aliases: dict[str, str], max_bytes: int, *,
               unique: bool = False) -> Table:
    """Read CSV or XLSX bytes, mapping header aliases (Chinese or English) to field keys.

    With `unique`, two columns for one field (the same header twice, or two aliases of it)
    are refused as `duplicate_header:<the later header>`.
    """
    if not data:
        raise TableError("empty_file", "the file is empty")
    if len(data) > max_bytes:
        raise TableError("file_too_large", f"the file is larger than {max_bytes // 1024} KB")
    is_xlsx = data[:4] == b"PK\x03\x04"
    if not is_xlsx and b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise TableError("wrong_type", f"{filename} is neither CSV nor XLSX")
    try:
        sheet = sheets.read_table(data)  # the survey package's reader: UTF-8/GBK/UTF-16, XLSX
    except sheets.SheetTooLarge as exc:
        raise TableError("sheet_too_large", exc.en) from exc
    except SheetError as exc:
        raise TableError("bad_xlsx" if is_xlsx else exc.code, exc.en, **exc.params) from exc
    fields = [aliases.get(h, h) for h in sheet.headers]
    if unique:
        _refuse_duplicates(sheet.headers, fields)
    rows = [(n, dict(zip(fields, (cell_text(v) for v in cells), strict=False)))
            for n, cells in sheet.rows]
    return Table(fields, rows)


def _refuse_duplicates(headers: list[str], fields: list[str]) -> None:
    """Refuse a second column for a field instead of silently reading only one of them."""
    first: dict[str, str] = {}
    for header, key in zip(headers, fields, strict=True):
        if key and key in first:
            same = "" if header == first[key] else f" (same column as {first[key]})"
            raise TableError(f"duplicate_header:{header}",
                             f"duplicate column header: {header}{same}")
        first.setdefault(key, header)


def all_or_nothing(session: Session, run: Callable[[], R]) -> R:
    """Run an import in a savepoint and keep none of its rows when any row was bad."""
    savepoint = session.begin_nested()
    try:
        result = run()
    except BaseException:
        savepoint.rollback()
        raise
    if getattr(result, "errors", None):
        savepoint.rollback()
    else:
        savepoint.commit()
    return result


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as a formula


def safe_cell(value: object) -> object:
    """Return a cell value no spreadsheet runs as a formula (OWASP CSV injection).

    Numbers, dates and None stay as they are; text that starts like a formula gets a
    leading single quote (StrEnum members become plain text).
    """
    if not isinstance(value, str):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe_rows(header: list[str], rows: list[list]) -> list[list]:
    """Return the header and rows with every cell made safe."""
    return [[safe_cell(v) for v in row] for row in [header, *rows]]


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """Write CSV that Excel opens with Chinese intact (UTF-8 with BOM), formulas neutralised."""
    out = io.StringIO()
    csv.writer(out).writerows(_safe_rows(header, rows))
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """Write a one-sheet XLSX workbook whose text cells are text, never formulas."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for row in _safe_rows(header, rows):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: object):
    """Build a cell whose string value is stored as a string (data type 's')."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
