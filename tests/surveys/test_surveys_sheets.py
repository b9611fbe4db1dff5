import io
import re
from datetime import date, datetime

import openpyxl
import pytest

from surveys import Question, SheetError, import_sheet, read_records, write_template_xlsx
from surveys.sheets import HELP_SHEET, read_table

HEADER_ZH = "报名编号,户主姓名,联系电话,村组,家庭人口,是否网购,调研日期"
HEADER_EN = "candidate,name,phone,village,household_size,shops_online,surveyed_at"
SELLS = {"name": "sells_produce", "zh": "是否出售农产品", "kind": "yesno", "required": False,
         "example": "否"}
CROP = Question("main_crop", "主要作物", "choice", choices=("小麦", "玉米", "其他"), example="小麦")


def csv_bytes(*lines, header=HEADER_ZH, encoding="utf-8"):
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def test_template_round_trip(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template_xlsx(path, [SELLS, CROP])
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == ["报名编号", "户主姓名", "联系电话", "村组", "家庭人口", "是否网购", "调研日期",
                       "是否出售农产品", "主要作物"]
    assert sheet["A2"].value == "C0001" and sheet["C2"].value == "13800138000"
    assert HELP_SHEET in book.sheetnames
    sheet.append(["C0107", "李四", "13912345678", "王庄村二组", 5, "否",
                  datetime(2016, 5, 27, 9, 15), "是", "玉米"])
    sheet.append(["C0107", "王五", 13712345678, "王庄村三组", "3", "是", "2016-05-27", None, "小麦"])
    book.save(path)

    result = import_sheet(path, [SELLS, CROP])
    assert result.ok and result.errors == []
    assert [row.row for row in result.accepted] == [3, 4]  # the untouched example row is skipped
    first, second = result.accepted
    assert first.values == {"candidate": "C0107", "name": "李四", "phone": "13912345678",
                            "village": "王庄村二组", "household_size": 5, "shops_online": False,
                            "surveyed_at": datetime(2016, 5, 27, 9, 15),
                            "sells_produce": True, "main_crop": "玉米"}
    assert second.values["phone"] == "13712345678"
    assert second.values["surveyed_at"] == date(2016, 5, 27)
    assert second.values["sells_produce"] is None


def test_template_example_row_is_imported_once_edited():
    stream = io.BytesIO()
    write_template_xlsx(stream)
    stream.seek(0)
    book = openpyxl.load_workbook(stream)
    book.worksheets[0]["B2"] = "赵六"
    edited = io.BytesIO()
    book.save(edited)
    rows = import_sheet(edited.getvalue()).rows
    assert [(row.row, row.values["name"]) for row in rows] == [(2, "赵六")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(encoding):
    data = csv_bytes("C0001,张三,13800138000,王庄村一组,4,是,2016-05-26 10:30",
                     encoding=encoding)
    (row,) = import_sheet(data).rows
    assert row.values["name"] == "张三" and row.values["village"] == "王庄村一组"


def test_english_headers_and_tabs():
    data = csv_bytes("C0001\tZhang San\t13800138000\tWangzhuang\t4\tyes\t2016/5/26",
                     header=HEADER_EN.replace(",", "\t"))
    (row,) = import_sheet(data).rows
    assert row.valid
    assert row.values["shops_online"] is True
    assert row.values["surveyed_at"] == date(2016, 5, 26)


def test_import_errors_per_cell():
    data = csv_bytes(
        "C0001,张三,13800138000,王庄村一组,4,是,2016-05-26",
        "C0001,,12345,王庄村一组,四,也许,上周",
        ",李四,0371-61234567,,2.5,否,2016年5月27日 14时05分",
    )
    result = import_sheet(data)
    found = [(e.row, e.column, e.code) for e in result.errors]
    assert found == [
        (3, "name", "missing"), (3, "phone", "invalid_phone"),
        (3, "household_size", "not_an_integer"), (3, "shops_online", "not_yes_no"),
        (3, "surveyed_at", "not_a_date"),
        (4, "candidate", "missing"), (4, "village", "missing"),
        (4, "household_size", "not_an_integer"),
    ]
    phone_error = result.errors[1]
    assert phone_error.zh.startswith("第3行「联系电话」")
    assert phone_error.en.startswith("row 3, phone:")
    assert result.rows[2].values["surveyed_at"] == datetime(2016, 5, 27, 14, 5)


def test_all_or_nothing_unless_keep_valid():
    data = csv_bytes("C0001,张三,13800138000,王庄村一组,4,是,2016-05-26",
                     "C0001,李四,bad,王庄村一组,4,是,2016-05-26",
                     "C0001,王五,13900139000,王庄村一组,3,否,2016-05-26")
    strict = import_sheet(data)
    assert not strict.ok and strict.accepted == [] and len(strict.rejected) == 1
    lenient = import_sheet(data, keep_valid=True)
    assert [row.row for row in lenient.accepted] == [2, 4]
    assert [row.row for row in lenient.rejected] == [3]
    clean = import_sheet(csv_bytes("C0001,张三,13800138000,王庄村一组,4,是,2016-05-26"))
    assert clean.ok and len(clean.accepted) == 1


def test_extra_question_kinds():
    header = HEADER_ZH + ",主要作物,年网购金额"
    spend = {"name": "spend", "zh": "年网购金额", "kind": "number", "required": False}
    data = csv_bytes("C0001,张三,13800138000,王庄村一组,4,是,2016-05-26,水稻,1200.5",
                     "C0001,张三,13900139000,王庄村一组,4,是,2016-05-26,小麦,",
                     header=header)
    first, second = import_sheet(data, [CROP, spend]).rows
    assert [(e.column, e.code) for e in first.errors] == [("main_crop", "not_a_choice")]
    assert first.values["spend"] == 1200.5
    assert second.valid and second.values["spend"] is None


def test_missing_and_doubled_columns():
    with pytest.raises(SheetError) as missing:
        import_sheet(b"candidate,name\nC0001,x\n")
    assert "Phone number (phone)" in str(missing.value) and "联系电话" in missing.value.zh
    assert not re.search("[\u4e00-\u9fff]", str(missing.value))  # the English says no Chinese
    with pytest.raises(SheetError, match="two columns"):
        import_sheet(csv_bytes("", header=HEADER_ZH + ",phone"))
    with pytest.raises(SheetError, match="missing columns: main_crop"):
        import_sheet(csv_bytes("", header=HEADER_ZH), [CROP])


def test_unreadable_files(tmp_path):
    with pytest.raises(SheetError, match="empty"):
        import_sheet(b"\n\n")
    with pytest.raises(SheetError, match="XLSX"):
        import_sheet(b"PK\x03\x04 not really a zip")
    with pytest.raises(SheetError, match="UTF-8"):
        import_sheet(b"\xff\xff\xff\x80\x80")
    with pytest.raises(SheetError, match="cannot read"):
        import_sheet(tmp_path / "nope.csv")
    with pytest.raises(SheetError, match="unknown kind"):
        Question("x", "某题", "colour")


def test_row_numbers_skip_blank_lines_but_count_them():
    table = read_table(b"a,b\n1,2\n,\n3,4\n")
    assert table.headers == ["a", "b"]
    assert [n for n, _ in table.rows] == [2, 4]
    assert read_records(b"a,b\n1,2\n") == [{"a": "1", "b": "2"}]
    with pytest.raises(SheetError, match="duplicate column"):
        read_records(b"a,a\n1,2\n")
