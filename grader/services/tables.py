"""Read uploaded CSV/XLSX tables into rows with clear, specific errors."""

import csv
import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from grader.errors import CodedError


class TableError(CodedError):
    """A file that cannot be read as a table; `code` is stable, message is English."""


@dataclass
class Table:
    """Header names (normalised to field keys) and rows keyed by them, with sheet row numbers."""

    fields: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(filename: str, data: bytes, aliases: dict[str, str], max_bytes: int) -> Table:
    """Read CSV or XLSX bytes, mapping header aliases (Chinese or English) to field keys."""
    if not data:
        raise TableError("empty_file", "the file is empty")
    if len(data) > max_bytes:
        raise TableError("file_too_large", f"the file is larger than {max_bytes // 1024} KB")
    raw = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(filename, data)
    if not raw:
        raise TableError("no_header", "the file has no header row")
    fields = [aliases.get(_clean(h), _clean(h)) for h in raw[0]]
    rows = [(n, dict(zip(fields, (_clean(v) for v in r), strict=False)))
            for n, r in enumerate(raw[1:], start=2) if any(_clean(v) for v in r)]
    return Table(fields, rows)


def _clean(value) -> str:
    """Turn a cell into trimmed text (integers read from Excel lose their '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("\ufeff")


def _xlsx_rows(data: bytes) -> list[list]:
    """Read the first sheet of an XLSX file."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError("bad_xlsx", "the file is not a readable XLSX workbook") from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _csv_rows(filename: str, data: bytes) -> list[list]:
    """Read CSV text in UTF-8 (with or without BOM) or GBK, as Excel in China saves it."""
    if b"\x00" in data[:4096]:
        raise TableError("wrong_type", f"{filename} is neither CSV nor XLSX")
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("bad_encoding", "the CSV is neither UTF-8 nor GBK text")
    return list(csv.reader(io.StringIO(text)))


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """Write CSV that Excel opens with Chinese intact (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """Write a one-sheet XLSX workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
