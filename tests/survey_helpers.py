"""Survey forms and call sheets for the survey tests."""

import io

from openpyxl import Workbook

from grader.services import survey_forms


VILLAGE = "王庄村一组"


def household(phone, day="2016-05-26", name="王大"):
    return {"name": name, "phone": phone, "village": VILLAGE, "household_size": "4",
            "shops_online": "是", "surveyed_at": day}


def fill(session, campaign, cand, n, base, day="2016-05-26"):
    return [survey_forms.save_form(session, campaign, cand, household(f"1390{base}{i:05d}", day),
                              None)[0] for i in range(n)]


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
