"""Signs of an edited post time that issue 11 names: lettering and a double quantisation."""

import random
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from uploads import synth, synth_fraud
from uploads.checker import check_screenshot
from uploads.lettering import lettering, odd_lettering
from uploads.rules import rules_from_campaign
from uploads.synth import CAMPAIGN_2016, DEMO_NOW

NOW = DEMO_NOW


@pytest.fixture(scope="module")
def rules():
    return rules_from_campaign(CAMPAIGN_2016, "wechat_share")


def _edit_reasons(v):
    return [r for r in v.reasons if r.startswith("possible_edit:post_time@")]


def _lines(sizes: list[int]) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Draw one grey line of text per size, one under another; return pixels and boxes."""
    img = Image.new("RGB", (600, 80 * len(sizes)), (255, 255, 255))
    draw, boxes = ImageDraw.Draw(img), []
    for i, size in enumerate(sizes):
        xy = (20, 20 + 80 * i)
        draw.text(xy, "昨天 18:40", fill=(178, 178, 178), font=synth.font(size))
        boxes.append(draw.textbbox(xy, "昨天 18:40", font=synth.font(size)))
    return np.asarray(img, dtype=np.float32), boxes


def test_a_stamp_set_larger_than_the_other_stamps_is_odd():
    px, (own, *others) = _lines([39, 39, 39])
    assert not odd_lettering(px, own, others, None)
    px, (own, *others) = _lines([46, 39, 39])  # the editor's size factor 1.15-1.25
    assert odd_lettering(px, own, others, None)


def test_a_stamp_as_tall_as_the_line_above_it_is_odd():
    px, (own, above) = _lines([39, 42])  # 13 dp under the card's 14 dp
    assert not odd_lettering(px, own, [], above)
    px, (own, above) = _lines([42, 42])
    assert odd_lettering(px, own, [], above)
    assert lettering(px, (0, 0, 5, 5)) is None  # no ink, nothing measured


@pytest.mark.slow
def test_a_retyped_time_without_a_visible_patch_goes_to_review_by_its_lettering(rules):
    """Seed 202's patch is the background's own colour and its ink the stamp's grey; saved as
    a JPEG (no error-level analysis) only its glyphs, taller than the card's title, tell."""
    img = synth_fraud.time_edit(random.Random(202), NOW, rules.window_start)
    v = check_screenshot(synth.to_jpeg(img, 90), "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


@pytest.fixture(scope="module")
def pasted(rules):
    """An old dark share traded at quality 60, its time replaced by a perfect paste of the same
    screen drawn with an in-window time, saved again at 90: only the compression differs."""
    spec = synth.random_share(random.Random(5), NOW, theme="dark", layout="detail",
                              time_text="5月20日 09:12")
    fake = replace(spec, time_text="昨天 18:15")
    old, new = (synth_fraud.element_box(s, "time_text", synth.font) for s in (spec, fake))
    box = (min(old[0], new[0]) - 4, min(old[1], new[1]) - 4, max(old[2], new[2]) + 4,
           max(old[3], new[3]) + 4)
    traded = synth_fraud.decode(synth.to_jpeg(synth.render_share(spec), 60))
    honest = synth_fraud.decode(synth.to_jpeg(synth.render_share(fake), 60))
    traded.paste(synth.render_share(fake).crop(box), box[:2])
    return synth.to_jpeg(traded, 90), synth.to_jpeg(honest, 90)


@pytest.mark.slow
def test_a_time_pasted_into_a_twice_compressed_jpeg_goes_to_review(rules, pasted):
    edited, _ = pasted
    v = check_screenshot(edited, "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


@pytest.mark.slow
def test_an_honest_share_compressed_twice_is_accepted(rules, pasted):
    _, honest = pasted
    v = check_screenshot(honest, "wechat_share", rules, NOW)
    assert v.verdict == "accept", v.reasons
