"""Stations on a phone (360×740): township staff add a site, county staff preview and confirm."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import (Candidate, Ranking, RankingEntry, Signing, StationAllocation,
                           StationSite, Township)
from helpers import login

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def selected(live_app):
    """Four demo candidates selected and ranked; the first refuses reassignment."""
    with session_scope(live_app) as s:
        cands = s.scalars(select(Candidate).order_by(Candidate.id).limit(4)).all()
        ranking = Ranking(round="interview", status="published", policy={}, facts={}, result={})
        s.add(ranking)
        s.flush()
        for rank, cand in enumerate(cands, 1):
            cand.stage = "selected"
            s.add(RankingEntry(ranking_id=ranking.id, candidate_id=cand.id, rank=rank,
                               score=90.0 - rank, advance=True, row={}))
            s.add(Signing(candidate_id=cand.id, accepts_reassignment=rank != 1))
        home = s.scalar(select(Township).where(Township.name == "鼓场街道"))
        return [c.id for c in cands], home.id


def test_sites_are_added_and_the_allocation_confirmed_on_a_phone(live_app, live_server, phone,
                                                                 selected):
    ids, home = selected
    login(phone, live_server, "township", "town2016")
    phone.goto(f"{live_server}/stations/")
    assert fits(phone), phone.evaluate("document.documentElement.scrollWidth")
    card = phone.locator(f"#town-{home}")
    card.locator("summary", has_text="添加站点").click()
    card.locator("input[name=name]").fill("城关一站")
    card.locator("input[name=slots]").fill("2")
    card.locator("button", has_text="添加站点").click()
    expect(phone.locator(".flash.success")).to_contain_text("已添加站点")
    expect(phone.locator(f"#town-{home}")).to_contain_text("名额共 2 个")

    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/stations/allocation")
    assert fits(phone), phone.evaluate("document.documentElement.scrollWidth")
    with session_scope(live_app) as s:
        towns = {c.id: c.township_id for c in s.scalars(select(Candidate).where(
            Candidate.id.in_(ids)))}
    own = sum(1 for cid in ids if towns[cid] == home)
    expect(phone.locator("#placements tr")).to_have_count(len(ids) + 1)
    asked: list[str] = []
    phone.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    phone.click("form[method=post] button[type=submit]")
    expect(phone.locator(".flash.success")).to_contain_text("站点分配已确认")
    assert asked and "人在本乡镇" in asked[0]
    with session_scope(live_app) as s:
        stored = s.scalars(select(StationAllocation)).all()
        placed = [a for a in stored if a.site_id is not None]
        site = s.scalar(select(StationSite).where(StationSite.name == "城关一站"))
    assert len(stored) == len(ids)
    assert len(placed) == min(2, len(ids)) and all(a.site_id == site.id for a in placed)
    assert sum(1 for a in placed if a.outcome == "own") == min(own, 2)
    expect(phone.locator(".ok").first).to_contain_text("已确认的分配")


def test_a_village_checklist_takes_a_photo_on_a_phone(live_app, live_server, phone, tmp_path):
    import io

    from PIL import Image

    with session_scope(live_app) as s:
        home = s.scalar(select(Township).where(Township.name == "鼓场街道")).id
    shot = tmp_path / "公告.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 160, 90)).save(buf, "JPEG")
    shot.write_bytes(buf.getvalue())
    login(phone, live_server, "township", "town2016")
    phone.goto(f"{live_server}/duties/{home}")
    phone.fill("#village-name", "大坝村")
    phone.check("input[name=large]")
    phone.click("button:has-text('添加')")
    expect(phone.locator(".card h2", has_text="大坝村")).to_contain_text("大村")
    village = phone.locator(".card", has_text="大坝村").first
    item = village.locator("li", has_text="公示栏招募公告")
    expect(item).to_contain_text("0/1 张照片")
    item.locator("input[type=file]").set_input_files(str(shot))
    item.locator("button", has_text="上传").click()
    expect(phone.locator(".flash.success")).to_contain_text("已上传 1 张照片")
    expect(phone.locator(".card", has_text="大坝村").first.locator(
        "li", has_text="公示栏招募公告")).to_contain_text("1/1 张照片")
    assert fits(phone), phone.evaluate("document.documentElement.scrollWidth")
