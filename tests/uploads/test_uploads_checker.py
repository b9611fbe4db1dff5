import json
import random
from datetime import timedelta

import pytest

from uploads import synth
from uploads.checker import DESIGN_FIELDS, check_batch, check_screenshot
from uploads.dupindex import DupIndex
from uploads.rules import rules_from_campaign
from uploads.synth import CAMPAIGN_2016, DEMO_NOW

pytestmark = pytest.mark.slow
NOW = DEMO_NOW


@pytest.fixture(scope="module")
def share_rules():
    return rules_from_campaign(CAMPAIGN_2016, "wechat_share")


@pytest.fixture(scope="module")
def app_rules():
    return rules_from_campaign(CAMPAIGN_2016, "app_download")


@pytest.fixture(scope="module")
def shares():
    rng = random.Random(20160528)
    make = lambda **kw: synth.random_share(rng, NOW, **kw)  # noqa: E731
    return {
        "light720": make(theme="light", size=(720, 1280), layout="feed", position=0),
        "dark1080": make(theme="dark", size=(1080, 1920), layout="detail"),
        "light2340": make(theme="light", size=(1080, 2340), layout="detail",
                          time_text="3小时前"),
        "dark720": make(theme="dark", size=(720, 1280), layout="feed", position=1),
        "nokw": make(post_text="周末带孩子去河边钓鱼。", card_title="钓鱼攻略"),
        "old": make(time_text="2016年5月20日 09:12"),
    }


@pytest.fixture(scope="module")
def share_files(shares):
    img = {name: synth.render_share(spec) for name, spec in shares.items()}
    base = shares["light720"]
    same_template = synth.random_share(random.Random(7), NOW, theme=base.theme, size=base.size,
                                       layout=base.layout, position=base.position)
    again = synth.random_share(random.Random(8), NOW, nickname=shares["dark1080"].nickname,
                               posted=NOW - timedelta(hours=30))
    png = {name: synth.to_png(im) for name, im in img.items()}
    return [
        ("light720.png", png["light720"]),
        ("dark1080.jpg", synth.to_jpeg(img["dark1080"], 70)),
        ("light2340.png", png["light2340"]),
        ("dark720.png", png["dark720"]),
        ("copy_jpeg.jpg", synth.to_jpeg(img["light720"], 50)),
        ("copy_scaled.jpg", synth.to_jpeg(synth.rescale(img["dark1080"], 0.6), 80)),
        ("copy_crop_top.png", synth.to_png(synth.crop(img["light2340"], top=0.08))),
        ("copy_crop_edges.jpg", synth.to_jpeg(synth.crop(img["dark720"], 0.04, 0.03, 0.04,
                                                         0.25), 75)),
        ("same_template.png", synth.to_png(synth.render_share(same_template))),
        ("same_person.png", synth.to_png(synth.render_share(again))),
        ("exact.png", png["light720"]),
        ("nokw.png", png["nokw"]),
        ("old.png", png["old"]),
        ("empty.png", b""),
        ("truncated.png", png["light720"][:5000]),
        ("notes.txt", "我的截图".encode()),
    ]


@pytest.fixture(scope="module")
def share_verdicts(share_files, share_rules):
    return {v.file: v for v in check_batch(share_files, "wechat_share", share_rules, NOW)}


@pytest.mark.parametrize("name,spec", [("light720.png", "light720"), ("dark720.png", "dark720"),
                                       ("light2340.png", "light2340")])
def test_good_shares_accepted_light_dark_sizes_jpeg(share_verdicts, shares, name, spec):
    v = share_verdicts[name]
    assert (v.verdict, v.reasons) == ("accept", [])
    assert v.nickname == shares[spec].nickname
    assert v.keywords == ["农村淘宝", "合伙人"]
    assert v.timestamp and v.sha256 and len(v.phash) == 16 and v.tier in (1, 2)


def test_relative_time_resolved_against_now(share_verdicts):
    assert share_verdicts["light2340.png"].timestamp == "2016-05-28T17:15:00+08:00"


@pytest.mark.parametrize("name,original", [
    ("copy_jpeg.jpg", "light720.png"), ("copy_scaled.jpg", "dark1080.jpg"),
    ("copy_crop_top.png", "light2340.png"), ("copy_crop_edges.jpg", "dark720.png"),
    ("exact.png", "light720.png"),
])
def test_recompressed_rescaled_and_cropped_copies_are_duplicates(share_verdicts, name, original):
    v = share_verdicts[name]
    assert v.verdict == "reject" and v.reasons == [f"duplicate_of:{original}"]


def test_other_screenshot_of_the_same_template_is_not_a_duplicate(share_verdicts):
    v = share_verdicts["same_template.png"]
    assert v.verdict == "accept", v.reasons


def test_same_nickname_twice_goes_to_review_both_times(share_verdicts, shares):
    first, second = share_verdicts["dark1080.jpg"], share_verdicts["same_person.png"]
    assert first.nickname == second.nickname == shares["dark1080"].nickname
    assert first.reasons == second.reasons == ["repeated_nickname"]
    assert first.verdict == second.verdict == "review"
    assert share_verdicts["copy_scaled.jpg"].reasons == ["duplicate_of:dark1080.jpg"]


def test_missing_keywords_and_old_posts_rejected(share_verdicts):
    nokw = share_verdicts["nokw.png"]
    assert nokw.verdict == "reject" and nokw.tier == 2
    assert {"missing_keyword:农村淘宝", "missing_keyword:合伙人"} <= set(nokw.reasons)
    old = share_verdicts["old.png"]
    assert (old.verdict, old.reasons, old.timestamp) == (
        "reject", ["timestamp_outside_window"], "2016-05-20T09:12:00+08:00")


@pytest.mark.parametrize("name,code", [("empty.png", "empty_file"),
                                       ("truncated.png", "truncated_file"),
                                       ("notes.txt", "not_an_image")])
def test_bad_files_refused_without_affecting_others(share_verdicts, name, code):
    assert (share_verdicts[name].verdict, share_verdicts[name].reasons) == ("reject", [code])


def test_verdict_json_has_the_cli_contract_fields(share_verdicts):
    data = json.loads(share_verdicts["light720.png"].to_json())
    assert list(data)[:len(DESIGN_FIELDS)] == list(DESIGN_FIELDS)
    assert data["ocr_text"] and data["tier"] in (1, 2)


def test_duplicate_of_an_earlier_candidates_item(share_files, share_verdicts, share_rules):
    index = DupIndex()
    first = share_verdicts["light2340.png"]
    index.add("item-42", first.sha256, first.phash, first.content_key)
    _, png = share_files[2]
    cropped = synth.to_jpeg(synth.crop(synth.rescale(synth.Image.open(
        synth.io.BytesIO(png)), 0.5), top=0.05, bottom=0.2), 60)
    v = check_screenshot(cropped, "wechat_share", share_rules, NOW, index=index, name="c.jpg")
    assert v.reasons == ["duplicate_of:item-42"]


@pytest.fixture(scope="module")
def app_verdicts(app_rules):
    rng = random.Random(99)
    make = lambda **kw: synth.render_app(synth.random_app(rng, NOW, **kw))  # noqa: E731
    files = [
        ("store_light.png", synth.to_png(make(theme="light", layout="store", button="orange"))),
        ("store_dark.jpg", synth.to_jpeg(make(theme="dark", layout="store", button="green"), 80)),
        ("register.png", synth.to_png(make(layout="register", phone="138****5678"))),
        ("register_again.png", synth.to_png(make(layout="register", phone="138****5678",
                                                 clock="21:07"))),
        ("progress.png", synth.to_png(make(layout="store", state_text="下载中 45%"))),
        ("other_app.png", synth.to_png(make(layout="store", app_name="拼多多"))),
    ]
    return {v.file: v for v in check_batch(files, "app_download", app_rules, NOW)}


def test_app_downloads(app_verdicts):
    for name in ("store_light.png", "store_dark.jpg"):
        assert (app_verdicts[name].verdict, app_verdicts[name].reasons) == ("accept", [])
        assert app_verdicts[name].phone
    assert app_verdicts["register.png"].phone == "138****5678"
    assert app_verdicts["register_again.png"].reasons == ["repeated_phone"]
    assert app_verdicts["register.png"].reasons == ["repeated_phone"]
    assert app_verdicts["progress.png"].reasons == ["missing_success_state"]
    assert app_verdicts["other_app.png"].reasons == ["missing_app_name"]
