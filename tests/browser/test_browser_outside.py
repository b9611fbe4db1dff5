"""The operator-site import on a 360×740 phone: upload, map the columns, preview, confirm."""

import random
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate
from grader.services.demo import make_id
from grader.services.tables import write_xlsx
from helpers import login

pytestmark = pytest.mark.browser
HEADERS = ["序号", "真实姓名", "身份证号码", "联系电话", "所属乡镇", "文化程度", "报名时间"]


def test_the_mapping_preview_on_a_phone(live_app, live_server, phone, tmp_path):
    with session_scope(live_app) as s:
        town = s.scalars(select(Candidate)).first().township.name
    fresh = make_id(random.Random(5), date(1990, 5, 5))
    path = tmp_path / "运营方报名.xlsx"
    path.write_bytes(write_xlsx("报名", HEADERS, [
        ["1", "周八", fresh, "13512345678", town, "大专", "2016-05-03"],
        ["2", "吴九", "110101199001010010", "13512345679", town, "高中", "2016-05-03"]]))
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/outside/registrations")
    phone.set_input_files("input[type=file]", str(path))
    phone.get_by_role("button", name="上传，下一步核对列").click()
    expect(phone.locator("h2")).to_contain_text("第二步")
    # the guesses: each header beside its field, the unknown ones left out
    expect(phone.get_by_label("真实姓名")).to_have_value("name")
    expect(phone.get_by_label("身份证号码")).to_have_value("id_number")
    expect(phone.get_by_label("文化程度")).to_have_value("education")
    expect(phone.get_by_label("报名时间")).to_have_value("")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    box = phone.get_by_label("所属乡镇").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 36
    phone.get_by_label("运营方网站报名时已要求作出本次招募的全部承诺").check()
    phone.get_by_role("button", name="预览各行").click()
    expect(phone.locator("#counts")).to_have_text("新报名 1 人，与已有报名合并 0 人，不导入 1 行。")
    expect(phone.locator("#rows")).to_contain_text("身份证号校验位不正确")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    asked = []
    phone.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    phone.get_by_role("button", name="确认导入").click()
    expect(phone.locator(".flash.success")).to_contain_text("新报名 1 人，合并 0 人，未导入 1 行")
    assert asked and "将新增 1 人报名、合并 0 人，1 行不导入" in asked[0]
    with session_scope(live_app) as s:
        cand = s.scalars(select(Candidate).where(Candidate.id_number == fresh)).one()
        assert (cand.channel, cand.education, cand.eligible) == ("operator", "college", True)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_outside_pages_speak_one_language(live_server, browser, lang):
    from site_pages import open_as, visit
    from test_browser_language import READ, foreign

    page = open_as(browser, live_server, "county", lang)
    found = []
    for path in ("/outside/registrations", "/outside/figures", "/outside/figures/differences",
                 "/exams/onsite_test/advance"):
        visit(page, live_server, path)
        found += [f"{path}: {t[:100]!r}" for t in foreign(page.evaluate(READ), lang)]
    page.context.close()
    assert not found, "\n".join(found)
