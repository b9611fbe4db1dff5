"""A candidate uploads a batch of screenshots on a phone and sees the verdicts arrive."""

import random
from datetime import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate, EvidenceItem
from uploads import synth

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_ID = "522424199203150015"


def test_upload_a_batch_and_see_verdicts(live_app, live_server, phone, worker, tmp_path):
    with session_scope(live_app) as s:
        s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one().stage = "round1"
    rng = random.Random(11)
    now = datetime.now(synth.CHINA).replace(year=2016, month=5, day=27)
    paths = []
    for i in range(2):
        img = synth.render_share(synth.random_share(rng, now, size=(720, 1280), theme="light"))
        paths.append(tmp_path / f"shot{i}.png")
        paths[-1].write_bytes(synth.to_png(img))
    paths.append(tmp_path / "note.png")
    paths[-1].write_bytes(b"this is not an image")
    phone.goto(f"{live_server}/login")
    phone.fill("#username", DEMO_ID)
    phone.fill("#password", "cand2016")
    phone.click("button[type=submit]")
    phone.goto(f"{live_server}/me/evidence/wechat_share")
    phone.set_input_files("#files", [str(p) for p in paths])
    phone.click("#upload-form button[type=submit]")
    # Locator waits, not wait_for_function: the page's CSP forbids the eval that one needs.
    expect(phone.locator("#progress li")).to_have_count(3)
    decided = "#progress li.item-reject, #progress li.item-accept, #progress li.item-review"
    expect(phone.locator(decided)).to_have_count(3, timeout=90_000)
    expect(phone.locator("#progress li.item-pending")).to_have_count(0)
    text = phone.inner_text("#progress")
    assert "不是图片文件" in text
    with session_scope(live_app) as s:
        items = s.scalars(select(EvidenceItem)).all()
        assert len(items) == 2 and all(i.status != "pending" for i in items)
        accepted = sum(i.status == "accept" for i in items)
    assert phone.inner_text("[data-k=accept]") == str(accepted)
