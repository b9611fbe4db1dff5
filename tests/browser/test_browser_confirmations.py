"""Issue 14, items 4 and 6: irreversible actions ask first, in numbers, then say what was done."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Appeal, Candidate, EvidenceItem
from grader.services import plans
from helpers import login
from uploads.storage import FileStorage

pytestmark = pytest.mark.browser
DEMO_ID = "522424199203150015"
PLAN = "我的农村淘宝项目计划书：在村委会旁开设服务站，帮助留守老人网购和代收快递。" * 8


def answer_dialog(page, accept: bool) -> list[str]:
    """Answer the next confirmation; return the list its question is put in."""
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept() if accept else d.dismiss()))
    return asked


def test_advancing_from_an_exam_says_how_many_advance_and_stop(live_server, phone):
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/exams/online_exam/advance")
    up = phone.locator("table .ok").count()
    rows = phone.locator("table tr").count() - 1
    asked = answer_dialog(phone, accept=False)
    phone.click("form[method=post] button[type=submit]")
    expect(phone.locator("h1")).to_contain_text("择优预览")
    assert asked and f"将有 {up} 人晋级，{rows - up} 人止步" in asked[0]
    asked = answer_dialog(phone, accept=True)
    phone.click("form[method=post] button[type=submit]")
    expect(phone.locator(".flash.success")).to_contain_text(f"已有 {up} 人晋级")


def test_the_plan_page_says_which_version_counts_and_asks_before_replacing(
        live_app, live_server, phone, tmp_path):
    with session_scope(live_app) as s:
        cand = s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one()
        cand.stage = "round1"
        s.flush()
        storage = FileStorage(live_app.config["STORAGE_DIR"])
        plans.submit_plan(s, storage, live_app.extensions["grader.campaign"], cand,
                          "计划书.txt", PLAN.encode())
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/plan")
    expect(phone.locator("#counting")).to_contain_text("评审以第 1 版（计划书.txt）为准")
    expect(phone.locator("li.counting")).to_contain_text("以此版为准")
    new = tmp_path / "新计划书.txt"
    new.write_text(PLAN + "第二版。", encoding="utf-8")
    phone.set_input_files("#files", str(new))
    asked = answer_dialog(phone, accept=False)
    phone.click("#plan-form button[type=submit]")
    expect(phone.locator("#counting")).to_contain_text("第 1 版")
    assert asked and "替换第 1 版" in asked[0]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_publishing_a_ranking_says_how_many_advance_and_stop(live_app, live_server, phone):
    with session_scope(live_app) as s:
        for cand in s.scalars(select(Candidate).where(Candidate.eligible).limit(5)):
            cand.stage = "round1"
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/rankings/")
    phone.click("button[value='1']")
    expect(phone.locator("#publish")).to_be_visible()
    asked = answer_dialog(phone, accept=False)
    phone.click("#publish")
    expect(phone.locator("h1")).to_contain_text("预览")
    assert asked and re.search(r"将有 \d+ 人晋级，\d+ 人止步", asked[0])
    answer_dialog(phone, accept=True)
    phone.click("#publish")
    expect(phone.locator(".flash.success")).to_contain_text(re.compile(r"\d+ 人晋级，\d+ 人止步"))
    expect(phone.locator("h1")).to_contain_text("已发布")


def _item_with_appeal(app) -> tuple[int, int]:
    with session_scope(app) as s:
        cand = s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one()
        item = EvidenceItem(candidate_id=cand.id, task="wechat_share", filename="a.png",
                            sha256="0" * 64, size=10, mime="image/png", storage_key="x",
                            status="accept", machine_verdict="accept")
        s.add(item)
        s.flush()
        appeal = Appeal(candidate_id=cand.id, item_id=item.id, text="截图是我本人转发的")
        s.add(appeal)
        s.flush()
        return item.id, appeal.id


def test_overturning_a_verdict_and_answering_an_appeal_ask_first(live_app, live_server, phone):
    item_id, appeal_id = _item_with_appeal(live_app)
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/evidence/review?item={item_id}")
    asked = answer_dialog(phone, accept=False)
    phone.click(f"#item-{item_id} button[value=reject]")
    expect(phone.locator(f"#item-{item_id}")).to_contain_text("当前结果")
    assert asked and "由「通过」改为「不通过」" in asked[0] and "少 1 张" in asked[0]
    answer_dialog(phone, accept=True)
    phone.click(f"#item-{item_id} button[value=reject]")
    expect(phone.locator(".flash.success")).to_contain_text(f"已处理 #{item_id}")
    phone.goto(f"{live_server}/me/appeals")
    asked = answer_dialog(phone, accept=True)
    phone.fill("input[name=answer]", "核实无误")
    phone.click("td form button")
    expect(phone.locator(".flash.success")).to_contain_text(f"已答复申诉 #{appeal_id}：成立")
    assert asked and f"申诉 #{appeal_id}" in asked[0] and f"材料 #{item_id} 改为通过" in asked[0]
