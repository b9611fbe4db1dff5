"""On a phone, county staff find a candidate by phone number and export the filtered list."""

import csv
import io

import pytest
from playwright.sync_api import expect

from helpers import login

pytestmark = pytest.mark.browser
DEMO_ID = "522424199203150015"


def test_find_by_phone_and_export_on_a_phone(live_server, phone):
    login(phone, live_server, "county", "county2016")
    phone.goto(f"{live_server}/candidates/")
    phone.fill("#f-q", "138 0013 8000")
    phone.click("form.grid button[type=submit]")
    expect(phone.locator("h1")).to_contain_text("（1）")
    expect(phone.locator("table")).to_contain_text("示范考生")
    for selector in ("#f-q", "#export a >> nth=1"):  # nothing pushed off a 360 px screen
        box = phone.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
    with phone.expect_download() as info:
        phone.click("#export a:has-text('CSV')")
    rows = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert [r[1:3] for r in rows[1:]] == [["示范考生", DEMO_ID]]  # county staff see it whole
    phone.fill("#f-q", DEMO_ID[-4:])
    phone.click("form.grid button[type=submit]")
    expect(phone.locator("table")).to_contain_text("示范考生")
