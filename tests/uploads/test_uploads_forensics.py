"""Signs of an edited post time that issue 11 names: lettering, ink and a double quantisation."""

import io
import random
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from uploads import synth, synth_fraud
from uploads.checker import check_screenshot
from uploads.flatfill import TRAIL_STEP, is_screenshot, trail_step
from uploads.forensics import PATCH_STEP, ink_rows, patch_step
from uploads.lettering import lettering, odd_lettering
from uploads.requant import twice_apart
from uploads.rowalign import button_rows, off_row
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


def _paste(theme: str, first: int, second: int) -> tuple[bytes, bytes]:
    """Return an old share traded at `first` with a perfect paste of an in-window time, saved
    again at `second`, and the honest share with that time compressed at the same two."""
    spec = synth.random_share(random.Random(5), NOW, theme=theme, layout="detail",
                              time_text="5月20日 09:12")
    fake = replace(spec, time_text="昨天 18:15")
    old, new = (synth_fraud.element_box(s, "time_text", synth.font) for s in (spec, fake))
    box = (min(old[0], new[0]) - 4, min(old[1], new[1]) - 4, max(old[2], new[2]) + 4,
           max(old[3], new[3]) + 4)
    traded = synth_fraud.decode(synth.to_jpeg(synth.render_share(spec), first))
    honest = synth_fraud.decode(synth.to_jpeg(synth.render_share(fake), first))
    traded.paste(synth.render_share(fake).crop(box), box[:2])
    return synth.to_jpeg(traded, second), synth.to_jpeg(honest, second)


@pytest.mark.slow
@pytest.mark.parametrize("first, second", [(60, 90), (50, 80)])
def test_a_time_pasted_into_a_light_twice_compressed_jpeg_goes_to_review(rules, first, second):
    """On white every text block clipped when the first JPEG was decoded, and the first test
    leaves clipped blocks out; the calibrated excess keeps them (uploads/requant.py)."""
    edited, honest = _paste("light", first, second)
    v = check_screenshot(edited, "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)
    v = check_screenshot(honest, "wechat_share", rules, NOW)
    assert v.verdict == "accept", v.reasons


def test_twice_apart_needs_a_first_compression_in_the_text():
    """A share compressed once fits no first table: nothing is apart, whatever the box."""
    img = synth.render_share(synth.random_share(random.Random(5), NOW, theme="light"))
    data = synth.to_jpeg(img, 80)
    px = np.asarray(synth_fraud.decode(data), dtype=np.float32)
    table = tuple(Image.open(io.BytesIO(data)).quantization[0])
    assert not twice_apart(px, (190, 690, 500, 730), [(190, 330, 1000, 480)], table)


def _bench_shot(seed: int, name: str, per_kind: int = 8) -> bytes:
    """Return one upload of the bench's set for a seed: 8 of each kind, or one of each with
    every edited time saved as a JPEG (the bench's `--per-kind 1 --jpeg-edits`)."""
    start = rules_from_campaign(CAMPAIGN_2016, "wechat_share").window_start
    shots = synth_fraud.make_corpus(random.Random(seed), NOW, start, per_kind, per_kind == 1)
    return next(s.data for s in shots if s.name == name)


def _jpeg_edit(seed: int) -> bytes:
    """Return the edited time of the bench's one-a-kind set with edits saved as JPEGs."""
    return _bench_shot(seed, "time_edit-0", 1)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [209, 212])
def test_a_retyped_time_in_slightly_coloured_ink_on_a_screenshot_goes_to_review(rules, seed):
    """Seeds 209 and 212 (of 200-299): a PNG share retyped and saved as a JPEG, no patch to
    see, glyphs like the stamps'; the ink's channels spread 4 levels where an honest
    screenshot's spread 0 (a photo's up to 1, hence only on a screenshot)."""
    v = check_screenshot(_jpeg_edit(seed), "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [208, 247])
def test_an_edited_time_ocr_skips_does_not_borrow_the_next_posts_stamp(rules, seed):
    """Seeds 208 and 247: OCR read no stamp under the share (a retype in faint, tinted ink)
    and took the next post's "昨天12:30" / "1分钟前", inside the window, as the share's."""
    v = check_screenshot(_jpeg_edit(seed), "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons


@pytest.mark.slow
def test_a_patch_a_level_off_white_running_on_past_a_retyped_time_goes_to_review(rules):
    """Seed 3's time_edit-2 (of the bench's 8 a kind): a PNG share, its time patched in
    (254, 254, 254) on white and retyped alike, saved as a JPEG. Beside a photo's light
    the step of 1-2 levels is nothing; on a screenshot's exact white it is the patch."""
    edited = _bench_shot(3, "time_edit-2")
    v = check_screenshot(edited, "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


def test_only_a_screenshot_has_exact_fills():
    img = synth.render_share(synth.random_share(random.Random(5), NOW, theme="light"))
    px = np.asarray(img, dtype=np.float32)
    assert is_screenshot(px)
    photo = synth_fraud.photo_of_screen(img, random.Random(5))
    assert not is_screenshot(np.asarray(photo, dtype=np.float32))
    patched = px.copy()
    patched[700:740, 400:520] = 254  # a fill a level off white right of a "time"
    assert trail_step(px, (200, 700, 380, 740)) == 0
    assert trail_step(patched, (200, 700, 380, 740)) >= TRAIL_STEP


@pytest.mark.slow
def test_a_small_screens_stamp_two_rows_taller_than_the_others_is_not_odd(rules):
    """Seed 6's lowres-0 (540x960): its own stamp, read right at last (it had borrowed the
    next post's), measures 20 rows against the other stamps' 18, a ratio of 1.11."""
    honest = _bench_shot(6, "lowres-0")
    v = check_screenshot(honest, "wechat_share", rules, NOW)
    assert v.verdict == "accept", v.reasons


def test_a_patch_behind_the_text_counts_though_ocrs_box_stands_twice_as_tall():
    """A dark page (25) patched in 22 behind a line of text; OCR's box runs on 30 rows below
    it, over the page, so the box's background is mostly the page's own."""
    img = Image.new("RGB", (600, 200), (25, 25, 25))
    draw = ImageDraw.Draw(img)
    draw.rectangle((95, 40, 330, 82), fill=(22, 22, 22))
    draw.text((100, 44), "昨天 18:40", fill=(110, 110, 110), font=synth.font(36))
    px = np.asarray(img, dtype=np.float32)
    box = (100, 46, 320, 120)  # the text's ink and 30 rows of page below it
    assert patch_step(px, box) < PATCH_STEP
    rows = ink_rows(px, box)
    assert 46 <= rows[1] and rows[3] - rows[1] < 40  # the glyphs' rows, not the page's
    assert patch_step(px, rows) >= PATCH_STEP
    assert patch_step(np.where(px == 22, 25, px), rows) < 1  # the same text, no patch


@pytest.mark.slow
def test_a_dark_patch_shorter_than_ocrs_box_goes_to_review(rules):
    """Seed 227 (of 200-249): a dark detail page traded as a PNG, its time
    patched three levels off the page and retyped in the same face and grey, saved as a
    JPEG; OCR's box reached 30 rows below the patch and the median behind it was the page."""
    v = check_screenshot(_jpeg_edit(227), "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


def _row(shift: int = 0, size: int = 39, button: bool = True
         ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Draw a time and a comment button on one row of a 1080-wide page, the time's ink
    centred on the button and moved down by `shift` rows; return pixels and the ink's box."""
    img = Image.new("RGB", (1080, 500), (255, 255, 255))
    draw, fnt = ImageDraw.Draw(img), synth.font(size)
    if button:
        draw.rounded_rectangle((966, 226, 1038, 274), radius=9, fill=(247, 247, 247))
    x0, y0, x1, y1 = draw.textbbox((192, 0), "昨天 18:40", font=fnt)
    draw.text((192, 250 - (y0 + y1) // 2 + shift), "昨天 18:40", fill=(178, 178, 178), font=fnt)
    px = np.asarray(img, dtype=np.float32)
    return px, ink_rows(px, (x0, 200, x1, 300))


def test_a_time_off_the_middle_of_its_comment_buttons_row_is_off_row():
    px, ink = _row()
    assert button_rows(px, ink) == (226, 275)
    assert not off_row(px, ink)
    assert not off_row(*_row(shift=-6))  # an eighth of the button: within an honest spread
    assert off_row(*_row(shift=12))  # a quarter of the button lower, as edits were placed
    assert off_row(*_row(shift=-12))


def test_a_time_too_tall_for_its_button_or_with_no_button_beside_it():
    assert off_row(*_row(size=47))  # the editor's factor 1.2: ink 0.85 of the button
    px, ink = _row(button=False)
    assert button_rows(px, ink) is None
    assert not off_row(px, ink)


@pytest.mark.slow
def test_a_retyped_time_placed_off_the_buttons_row_goes_to_review(rules):
    """Seed 4's time_edit-4 (of the bench's 8 a kind): a PNG of a feed retyped in the
    page's face, fill and grey; its ink's middle lies 0.19 of the comment button's height
    below the button's (honest -0.02 to +0.17). Accepted on fraud5."""
    edited = _bench_shot(4, "time_edit-4")
    v = check_screenshot(edited, "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


@pytest.mark.slow
def test_a_retyped_time_too_tall_for_its_button_goes_to_review(rules):
    """Seed 287 (edits saved as JPEGs): a dark detail page retyped 15% larger in the same
    face, no other stamp to compare with; the ink stands 0.86 of the button's height (honest
    0.63-0.80). Accepted on fraud5."""
    v = check_screenshot(_jpeg_edit(287), "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)


def _stamp_under_text(stamp_face: int, page_face: int = 0, scale: float = 1.0
                      ) -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """Draw a black line of post text and a grey stamp under it; return pixels and boxes."""
    img = Image.new("RGB", (round(800 * scale), round(200 * scale)), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    text, stamp = "城关镇农村淘宝合伙人招募", "昨天 18:40"
    big, small = (synth_fraud._font(page_face, round(48 * scale)),
                  synth_fraud._font(stamp_face, round(39 * scale)))
    above, own = (round(20 * scale), round(20 * scale)), (round(20 * scale), round(110 * scale))
    draw.text(above, text, fill=(25, 25, 25), font=big)
    draw.text(own, stamp, fill=(178, 178, 178), font=small)
    return (np.asarray(img, dtype=np.float32), draw.textbbox(own, stamp, font=small),
            draw.textbbox(above, text, font=big))


def test_a_stamp_in_a_lighter_face_than_the_text_above_is_odd_on_a_screenshot():
    px, own, above = _stamp_under_text(0)  # the page's own face: 0.93 of the text's stroke
    assert not odd_lettering(px, own, [], above, screenshot=True)
    px, own, above = _stamp_under_text(1)  # a serif retyped on a sans page: 0.64
    assert odd_lettering(px, own, [], above, screenshot=True)
    assert not odd_lettering(px, own, [], above)  # a photo's blur: not compared
    px, own, above = _stamp_under_text(1, scale=0.4)  # strokes of a pixel: too coarse
    assert not odd_lettering(px, own, [], above, screenshot=True)


@pytest.mark.slow
def test_a_retyped_time_in_a_lighter_face_than_the_page_goes_to_review(rules):
    """Seed 14's time_edit-3 (of the bench's 8 a kind, first generated on 2026-11-30): a
    wqy-zenhei detail page retyped at the same size in Noto Serif, placed within an honest
    spread of the comment button; its strokes are 0.76 of the post text's (honest 0.82
    and up on screenshots). Accepted on fraud5 and on the placement test alone."""
    edited = _bench_shot(14, "time_edit-3")
    v = check_screenshot(edited, "wechat_share", rules, NOW)
    assert v.verdict == "review", v.reasons
    assert _edit_reasons(v)
