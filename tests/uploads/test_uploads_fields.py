from PIL import Image, ImageDraw

from uploads.fields import (find_clock, find_nickname, find_phone, find_post_time, is_link_blue,
                            read_app)
from uploads.ocr import Line
from uploads.rules import rules_from_campaign
from uploads.synth import CAMPAIGN_2016, DEMO_NOW, font


def line(text: str, y: float, x: float = 0.18) -> Line:
    return Line(text, x, y, min(1.0, x + 0.03 * len(text)), y + 0.02)


FEED = (
    line("20:15 4G", 0.01, 0.03),
    line("朋友圈", 0.05, 0.45),
    line("张三", 0.10),
    line("周末去河边钓鱼,报名5月1日截止", 0.13),
    line("1分钟前", 0.16),
    line("李四", 0.22),
    line("农村淘宝合伙人火热招募中", 0.25),
    line("报名时间5月3日至5月18日", 0.28),
    line("昨天 18:40 删除", 0.34),
)


def test_post_time_is_the_footer_below_the_post_not_a_date_in_the_text():
    found = find_post_time(FEED, DEMO_NOW, anchor=6)
    assert found.iso() == "2016-05-27T18:40:00+08:00"


def test_status_bar_clock_is_not_a_post_time():
    lines = (line("20:15", 0.01, 0.03), line("农村淘宝合伙人", 0.2))
    assert find_post_time(lines, DEMO_NOW, anchor=1) is None
    assert find_clock(lines) == "20:15"


def test_phone_masks_and_misreads():
    assert find_phone("手机号 138****5678") == "138****5678"
    assert find_phone("当前账号:159**x*5640") == "159****5640"
    assert find_phone("18876122612") is None


def blue_name_image() -> Image.Image:
    img = Image.new("RGB", (360, 640), "white")
    draw = ImageDraw.Draw(img)
    draw.text((60, 20), "王五", fill=(87, 107, 149), font=font(20))
    draw.text((60, 60), "张三家的狗", fill=(25, 25, 25), font=font(20))
    draw.text((60, 100), "农村淘宝合伙人", fill=(25, 25, 25), font=font(20))
    return img


def test_nickname_is_the_blue_line_above_the_post():
    img = blue_name_image()
    lines = (Line("王五", 60 / 360, 20 / 640, 100 / 360, 45 / 640),
             Line("张三家的狗", 60 / 360, 60 / 640, 160 / 360, 85 / 640),
             Line("农村淘宝合伙人", 60 / 360, 100 / 640, 200 / 360, 125 / 640))
    assert is_link_blue(img, lines[0]) and not is_link_blue(img, lines[1])
    assert find_nickname(lines, img, anchor=2) == "王五"
    assert find_nickname(lines, img, anchor=2, reread=lambda _: "王五!") == "王五"
    assert find_nickname(lines, img, anchor=0) is None


def test_app_fields():
    rules = rules_from_campaign(CAMPAIGN_2016, "app_download")
    lines = (line("9:41", 0.01, 0.03), line("农村淘宝", 0.2), line("安装成功", 0.4),
             line("手机号 186****6536", 0.5))
    found = read_app(lines, rules)
    assert (found.app_name, found.success, found.phone, found.clock) == (
        "农村淘宝", "安装成功", "186****6536", "09:41")
    content = found.content()
    assert (content["id"], content["clock"], len(content["lines"].split())) == (
        "186****6536", "09:41", 4)


def _post_then(middle: str, colour: tuple[int, int, int]) -> tuple[Image.Image, tuple[Line, ...]]:
    """Draw a post's text, a short line in `colour`, then a stamp; return image and lines."""
    img = Image.new("RGB", (360, 640), "white")
    draw = ImageDraw.Draw(img)
    draw.text((60, 20), "农村淘宝合伙人", fill=(25, 25, 25), font=font(20))
    draw.text((60, 60), middle, fill=colour, font=font(20))
    draw.text((60, 100), "1分钟前", fill=(178, 178, 178), font=font(16))
    return img, (Line("农村淘宝合伙人", 60 / 360, 20 / 640, 200 / 360, 45 / 640),
                 Line(middle, 60 / 360, 60 / 640, 160 / 360, 85 / 640),
                 Line("1分钟前", 60 / 360, 100 / 640, 130 / 360, 120 / 640))


def test_the_post_time_is_not_taken_from_below_the_next_posters_name():
    """The share's own stamp unread (a faint retype, a misread): the stamp under the next
    name is the next post's, so no time is found rather than a wrong one."""
    img, lines = _post_then("李四", (125, 144, 169))  # the dark theme's faded blue
    assert find_post_time(lines, DEMO_NOW, anchor=0) is not None  # without the image
    assert find_post_time(lines, DEMO_NOW, anchor=0, img=img) is None
    img, lines = _post_then("张三家的狗", (25, 25, 25))  # the post's own short line
    assert find_post_time(lines, DEMO_NOW, anchor=0, img=img) is not None
