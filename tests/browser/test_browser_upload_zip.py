"""Issue 14, item 5: a ZIP shows a line per member, the skipped ones with why, duplicates at once."""

import io
import random
import zipfile
from datetime import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from grader.db import session_scope
from grader.models import Candidate
from helpers import login
from uploads import synth

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_ID = "522424199203150015"


def test_a_zip_lists_every_member_and_a_resent_file_says_duplicate(live_app, live_server, phone,
                                                                  worker, tmp_path):
    with session_scope(live_app) as s:
        s.scalars(select(Candidate).where(Candidate.id_number == DEMO_ID)).one().stage = "round1"
    rng = random.Random(5)
    now = datetime.now(synth.CHINA).replace(year=2016, month=5, day=27)
    shots = [synth.to_png(synth.render_share(synth.random_share(rng, now, size=(720, 1280),
                                                                theme="light")))
             for _ in range(2)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.png", shots[0])
        zf.writestr("b.png", shots[1])
        zf.writestr("说明.txt", "not an image")
    archive = tmp_path / "shots.zip"
    archive.write_bytes(buf.getvalue())
    login(phone, live_server, DEMO_ID, "cand2016")
    phone.goto(f"{live_server}/me/evidence/wechat_share")
    phone.set_input_files("#files", str(archive))
    phone.click("#upload-form button[type=submit]")
    expect(phone.locator("#progress li")).to_have_count(3)
    progress = phone.locator("#progress")
    expect(progress).to_contain_text("a.png")
    expect(progress).to_contain_text("b.png")
    expect(progress).to_contain_text("说明.txt — 已跳过")
    again = tmp_path / "again.png"
    again.write_bytes(shots[0])
    phone.set_input_files("#files", str(again))
    phone.click("#upload-form button[type=submit]")
    expect(progress).to_contain_text("重复")
    expect(phone.locator("#progress li.duplicate")).to_contain_text("与第")
