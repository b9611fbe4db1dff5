"""Traded frauds are caught (each failed on the checker before issue 11); honest kinds pass."""

import random
from collections import defaultdict
from datetime import datetime
from functools import lru_cache

import pytest

from uploads import synth, synth_fraud
from uploads.checker import BatchState, check_screenshot
from uploads.copies import AVATAR_CELLS, DIGITS, avatar_top, judge_copy, same_avatar
from uploads.ocr import Line
from uploads.dupindex import DupIndex
from uploads.forensics import clock_contradicts, clock_moves_out
from uploads.fields import Findings
from uploads.rules import rules_from_campaign
from uploads.synth import CAMPAIGN_2016, DEMO_NOW
from uploads.timestamps import parse_post_time

NOW = DEMO_NOW


@pytest.fixture(scope="module")
def rules():
    return rules_from_campaign(CAMPAIGN_2016, "wechat_share")


def run(shots, rules):
    """Check shots in order as the job does: one shared index, one set per candidate."""
    shared, sets, out = DupIndex(), defaultdict(BatchState), {}
    for shot in shots:
        v = check_screenshot(shot.data, "wechat_share", rules, NOW, shared,
                             sets[shot.candidate], shot.name)
        shared.add(shot.name, v.sha256, v.phash, v.content_key, getattr(v, "grid", None))
        out[shot.name] = v
    return out


@lru_cache(maxsize=4)
def corpus(seed: int, per_kind: int = 8) -> dict[str, synth_fraud.Shot]:
    """Return the bench's labelled set for a seed, by name: 8 of each kind, or one of each
    with every edited time saved as a JPEG (the bench's `--per-kind 1 --jpeg-edits`)."""
    start = rules_from_campaign(CAMPAIGN_2016, "wechat_share").window_start
    shots = synth_fraud.make_corpus(random.Random(seed), NOW, start, per_kind, per_kind == 1)
    return {s.name: s for s in shots}


@pytest.fixture(scope="module")
def copies(rules):
    return run(synth_fraud._copies(random.Random(3), NOW, 0), rules)


@pytest.mark.slow
def test_nickname_swap_of_another_candidates_share_is_rejected_as_copied(copies):
    assert copies["original-0"].verdict == "accept"
    assert copies["nick_swap-0"].verdict == "reject"
    assert "copied_from:original-0" in copies["nick_swap-0"].reasons


@pytest.mark.slow
def test_reupload_with_an_unreadable_name_is_named_a_copy(copies):
    v = copies["unread_reupload-0"]
    assert v.verdict != "accept"
    assert any(r.endswith(":original-0") or r.endswith(":nick_swap-0") for r in v.reasons)


@pytest.mark.slow
def test_a_rescaled_cropped_reupload_is_a_copy_though_ocr_places_its_lines_differently(rules):
    """Seed 1's re-uploads 1 and 7 got through: the grid was anchored on OCR's line top, which
    lands a few pixels off on a rescaled copy; it is anchored on the ink's own top edge now."""
    wanted = ("original-1", "unread_reupload-1", "original-7", "unread_reupload-7")
    verdicts = run([corpus(1)[name] for name in wanted], rules)
    for i in (1, 7):
        v = verdicts[f"unread_reupload-{i}"]
        assert v.verdict == "reject", v.reasons
        assert f"copied_from:original-{i}" in v.reasons or f"duplicate_of:original-{i}" in v.reasons


@pytest.mark.slow
def test_a_possible_duplicate_gives_way_to_a_sure_copy(rules):
    """Seed 1's re-upload 0 was only a possible duplicate of its original (no name to
    compare), and that stopped the copy look-up, whose grid matched whole."""
    names = ("original-0", "nick_swap-0", "unread_reupload-0")
    v = run([corpus(1)[name] for name in names], rules)["unread_reupload-0"]
    assert v.verdict == "reject", v.reasons


@pytest.mark.slow
def test_a_reupload_cropped_below_the_clock_is_a_copy_by_its_exact_time_and_grid(rules):
    """Seed 1's re-upload 2 lost the status bar: its minute-exact time, lines, grid and avatar
    agree with the original's, which is one person's post at one minute."""
    v = run([corpus(1)[name] for name in ("original-2", "unread_reupload-2")],
            rules)["unread_reupload-2"]
    assert v.verdict == "reject", v.reasons
    assert "copied_from:original-2" in v.reasons


@pytest.mark.slow
def test_a_reupload_keyed_only_by_lines_past_the_first_three_is_found(rules):
    """Seed 7's re-upload 6 lost the clock to the crop and one line to OCR: its first three
    line hashes (the stamp's look-up keys with a line) matched none of the original's first
    three, though three lines agree and the grids are 0.002 apart. Accepted on fraud5."""
    wanted = ("original-6", "unread_reupload-6")
    v = run([corpus(7)[name] for name in wanted], rules)["unread_reupload-6"]
    assert v.verdict == "reject", v.reasons
    assert "copied_from:original-6" in v.reasons or "duplicate_of:original-6" in v.reasons


@pytest.mark.slow
def test_a_shrunken_reupload_whose_clock_ocr_misread_goes_to_review(rules):
    """Seed 346's re-upload (of the bench's one a kind, edits as JPEGs), shrunk to 0.6: OCR
    read its clock 19:49 as 13:43, and a clock that disagrees ruled a copy out, though the
    grids are identical. Accepted on fraud5."""
    shots = corpus(346, 1)
    v = run([shots["original-0"], shots["unread_reupload-0"]], rules)["unread_reupload-0"]
    assert v.verdict == "review", v.reasons
    assert "possible_copy_of:original-0" in v.reasons


@pytest.mark.slow
def test_a_swap_whose_first_line_took_in_the_avatar_is_a_copy(rules):
    """Seed 367's nickname swap (first generated on 2026-11-30): OCR's box of the post's first
    line took in the avatar, whose ink ran up past the box, so the grid was anchored on the
    box's edge, 5 pixels apart on the two; grids 0.15 apart, the swap accepted on fraud5."""
    shots = corpus(367, 1)
    v = run([shots["original-0"], shots["nick_swap-0"]], rules)["nick_swap-0"]
    assert v.verdict == "reject", v.reasons
    assert "copied_from:original-0" in v.reasons


@pytest.mark.slow
@pytest.mark.parametrize("seed, per_kind, i", [(414, 1, 0), (21, 8, 2)])
def test_a_swap_whose_name_ran_into_the_post_is_anchored_on_the_avatar(rules, seed, per_kind, i):
    """Seed 414's swap: the name repainted larger ran into the post's first line, whose ink
    then started at the name's top, 64 pixels higher; seed 21's: OCR misread that line and
    the card's title anchored the grid. Both grids were far from their original's (0.53,
    0.40) and the swaps accepted; the avatar's top edge is where both are anchored now."""
    shots = corpus(seed, per_kind)
    v = run([shots[f"original-{i}"], shots[f"nick_swap-{i}"]], rules)[f"nick_swap-{i}"]
    assert v.verdict == "reject", v.reasons
    assert f"copied_from:original-{i}" in v.reasons


@pytest.mark.slow
@pytest.mark.parametrize("seed, per_kind, i", [(18, 8, 2), (249, 1, 0), (257, 1, 0)])
def test_a_reupload_at_one_minute_with_the_avatar_and_layout_is_a_copy(rules, seed, per_kind, i):
    """Re-uploads whose lines OCR read too differently (2 of 4-6 alike) but whose minute-exact
    stamp, avatar and grid (0.007-0.014 apart) agree: one person's post at one minute."""
    shots = corpus(seed, per_kind)
    v = run([shots[f"original-{i}"], shots[f"unread_reupload-{i}"]], rules)
    assert v[f"unread_reupload-{i}"].verdict == "reject", v[f"unread_reupload-{i}"].reasons


def test_no_avatar_beside_a_line_anchors_nothing():
    img = synth.render_share(synth.random_share(random.Random(5), NOW, theme="light"))
    assert avatar_top(img, Line("帮朋友转发：农村淘宝招募合伙人", 0.2, 0.21, 0.9, 0.23)) < 0.21
    empty = Line("帮朋友转发：农村淘宝招募合伙人", 0.2, 0.8, 0.9, 0.82)
    assert avatar_top(img, empty) is None  # the page's empty lower part: no avatar beside it


@pytest.mark.slow
def test_a_reupload_whose_grid_sits_a_few_levels_off_shows_the_same_avatar(rules):
    """Seed 358's re-upload: its smeared name unmasked moved the grid's levels 2-3 up, so 9
    of the avatar's 24 cells differed and it passed for another person's post of the same
    template. Accepted on fraud5."""
    shots = corpus(358, 1)
    v = run([shots["original-0"], shots["unread_reupload-0"]], rules)["unread_reupload-0"]
    assert v.verdict != "accept", v.reasons
    assert any(r.endswith(":original-0") for r in v.reasons)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [485, 486])
def test_a_reupload_read_short_of_its_time_or_a_little_off_the_grid_is_found(rules, seed):
    """Seeds 485 and 486 (first generated on 2026-11-30), re-uploads with the clock cropped
    away: OCR read the original's stamp as "5月27日" and the copy's as "5月27日01:19" (the
    stamp's look-up keys and the rule both wanted the same text); a rescaled copy's grid
    0.036 from its original, over the 0.03 allowed though copies measured up to 0.04."""
    shots = corpus(seed, 1)
    v = run([shots["original-0"], shots["unread_reupload-0"]], rules)["unread_reupload-0"]
    assert v.verdict != "accept", v.reasons
    assert any(r.endswith(":original-0") for r in v.reasons)


@pytest.mark.slow
def test_another_persons_post_of_the_same_template_is_not_a_copy(rules):
    """Seed 1's dark-6 and banner-3 share the text, "2天前" and a grid 0.02 apart (the
    banner hides the clock); their avatars differ."""
    verdicts = run([corpus(1)["banner-3"], corpus(1)["dark-6"]], rules)
    assert verdicts["dark-6"].verdict == "accept", verdicts["dark-6"].reasons


@pytest.mark.slow
@pytest.mark.parametrize("seed, name", [(1, "photo-5"), (13, "photo-1"), (13, "photo-4"),
                                        (5, "photo-3")])
def test_honest_photos_show_no_sign_of_editing(rules, seed, name):
    """Were sent to review: 1/photo-5 by error levels (a JPEG: ELA 6.1), 13/photo-1 and -4 by
    a patch step of 3.0 (the photo's light falling off), 5/photo-3 by a step of 11 (OCR's box
    ran on over the comment button to the photo's black edge)."""
    v = check_screenshot(corpus(seed)[name].data, "wechat_share", rules, NOW)
    assert v.verdict == "accept", v.reasons


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_patched_post_time_goes_to_review_with_its_box(rules, seed):
    img = synth_fraud.time_edit(random.Random(seed), NOW, rules.window_start)
    v = check_screenshot(synth.to_png(img), "wechat_share", rules, NOW)
    assert v.verdict == "review"
    assert any(r.startswith("possible_edit:post_time@") for r in v.reasons)


@pytest.mark.slow
@pytest.mark.parametrize("kind", synth_fraud.HONEST_KINDS)
def test_honest_hard_kinds_are_accepted(rules, kind):
    rng = random.Random(f"honest-{kind}")
    img = synth_fraud.honest_image(rng, NOW, kind)
    data = synth.to_jpeg(img, 85) if kind == "photo" else synth.to_png(img)
    v = check_screenshot(data, "wechat_share", rules, NOW, DupIndex(), BatchState(), kind)
    assert v.verdict == "accept", v.reasons


def test_a_copy_needs_agreement_and_no_contradiction():
    grid = "0123456789" * 60
    post = {"time": "昨天18:40", "clock": "20:15", "lines": "a1 b2 c3 d4", "grid": grid}
    assert judge_copy({**post, "id": "张三"}, {**post, "id": "李四"}) == "copy"
    assert judge_copy({**post, "time": "前天09:12"}, post) is None  # edited, or another post
    other_grid = "9876543210" * 60
    assert judge_copy({**post, "grid": other_grid}, post) == "copy"  # minute-exact, all agree
    vague = {**post, "time": "3小时前"}
    assert judge_copy({**vague, "grid": other_grid}, vague) == "possible"
    assert judge_copy({**vague, "grid": other_grid, "clock": None}, vague) is None
    misread = {**vague, "clock": "13:43"}  # the grid whole: another moment, or a misread
    assert judge_copy(misread, {**vague, "clock": "19:49"}) == "possible"
    assert judge_copy({**misread, "grid": other_grid}, {**vague, "clock": "19:49"}) is None
    short = {**post, "time": "昨天", "clock": None}  # OCR stopped short of the stamp's clock
    assert judge_copy(short, post) == "copy"
    assert judge_copy({**short, "time": "前天"}, post) is None
    template = list(grid)  # 1.7% of the cells off: the same avatar, a rescaled copy's grid
    for i in range(len(grid) - 10, len(grid)):
        template[i] = DIGITS[(int(grid[i], 32) + 8) % 32]
    unread = {**post, "clock": None, "lines": "x1 y2 c3 d4", "grid": "".join(template)}
    assert judge_copy(unread, post) == "copy"  # one minute, avatar and layout: lines misread
    assert judge_copy({**unread, "time": "2天前"}, {**post, "time": "2天前"}) == "possible"
    other_minute = {**post, "time": "昨天18:10", "clock": None, "grid": other_grid}
    assert judge_copy(other_minute, post) is None  # a digit apart: another minute as often
    near_clock = {**vague, "clock": "20:19"}  # a digit apart, another screen: no evidence
    assert judge_copy({**near_clock, "grid": other_grid}, vague) is None


def test_a_grid_of_the_other_theme_or_another_avatar_is_not_a_copy():
    grid = "0123456789abcdef" * 48
    post = {"time": "5月27日02:44", "clock": "20:10", "lines": "a1 b2 c3 d4", "grid": grid}
    assert judge_copy(post, {**post, "clock": None}) == "copy"
    inverted = "".join(DIGITS[31 - int(c, 32)] for c in grid)  # light against dark
    assert judge_copy({**post, "grid": inverted}, post) is None
    other = list(grid)
    for i in AVATAR_CELLS[:12]:
        other[i] = DIGITS[(int(grid[i], 32) + 16) % 32]
    assert judge_copy({**post, "grid": "".join(other), "clock": None}, post) is None
    lifted = list(grid)
    for i in AVATAR_CELLS:  # the same avatar, its levels 3 up (what is masked moved them)
        lifted[i] = DIGITS[int(grid[i], 32) + 3]
    assert same_avatar("".join(lifted), grid)
    assert not same_avatar("".join(other), grid)


def test_a_post_dated_today_after_the_status_clock_contradicts_it():
    now = NOW.replace(hour=20, minute=15)
    later = Findings(post_time=parse_post_time("2016年5月28日 21:30", now), clock="20:15")
    earlier = Findings(post_time=parse_post_time("2016年5月28日 09:30", now), clock="20:15")
    relative = Findings(post_time=parse_post_time("3小时前", now), clock="08:00")
    assert clock_contradicts(later, now)
    assert not clock_contradicts(earlier, now)
    assert not clock_contradicts(relative, now)


def test_a_relative_stamp_counts_from_the_screenshots_own_clock(rules):
    """'昨天 10:15' read on the 26th is inside the window (from the 25th); a screenshot whose
    clock says 21:00 was taken on the 25th at the latest, so its 昨天 is the 24th: outside."""
    now = datetime(2016, 5, 26, 20, 15, tzinfo=rules.tz)
    old = Findings(post_time=parse_post_time("昨天 10:15", now), clock="21:00")
    fresh = Findings(post_time=parse_post_time("昨天 10:15", now), clock="20:10")
    hours = Findings(post_time=parse_post_time("40小时前", now), clock="09:00")
    absolute = Findings(post_time=parse_post_time("2016年5月25日 10:15", now), clock="21:00")
    assert clock_moves_out(old, rules, now)
    assert not clock_moves_out(fresh, rules, now)  # taken minutes ago: the same reading
    assert clock_moves_out(hours, rules, now)  # 09:00 on the 26th less 40 hours: the 24th
    assert not clock_moves_out(absolute, rules, now)  # a date is a date, whatever the clock
