"""Generate realistic synthetic phone screenshots for tests, the simulator and the bench."""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from uploads.synth_draw import Canvas, Theme, theme_for

CHINA = timezone(timedelta(hours=8))
DEMO_NOW = datetime(2016, 5, 28, 20, 15, tzinfo=CHINA)  # inside the 2016 round-1 window
CAMPAIGN_2016 = {  # the round-1 part of the 2016 campaign file, for tests and benches
    "round1": {
        "start": "2016-05-25T00:00:00+08:00", "end": "2016-05-31T00:00:00+08:00",
        "tasks": {
            "wechat_share": {"keywords": ["农村淘宝", "合伙人"]},
            "app_download": {"app_names": ["农村淘宝"],
                             "success_words": ["下载完成", "安装成功", "注册成功"]},
        },
    },
}
FONT_PATHS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
PHONE_SIZES = ((720, 1280), (1080, 1920), (1080, 2340))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞燕春"
NICK_STYLES = ("{s}{g}", "{s}{g}{g2}", "小{g}{g2}", "{s}{g}-{place}", "{g}{g2}妈妈",
               "A{s}{g}{g2}", "{place}{s}{g}")
PLACES = ("城关镇", "东坝", "河口村", "新华", "石桥镇", "杨柳湾")
POSTS_WITH_KEYWORDS = (
    "我县农村淘宝合伙人招募开始啦，欢迎有志青年报名！",
    "农村淘宝合伙人火热招募中，回乡创业就在家门口。",
    "帮朋友转发：农村淘宝招募合伙人，待遇优厚，欢迎咨询。",
    "想在家门口创业吗？农村淘宝合伙人等你来！",
)
POSTS_WITHOUT = ("今天天气真好，出去走走。", "周末带孩子去河边钓鱼。", "新开的面馆味道不错。")
CARD_TITLES = (
    "农村淘宝合伙人招募公告",
    "【招募】农村淘宝合伙人报名开始",
    "县电商办：农村淘宝合伙人招募启动",
)
OTHER_TIMES = ("1分钟前", "昨天 12:30", "3天前", "5月2日")
TIME_FORMS = ("just_now", "minutes", "hours", "yesterday", "day_before", "days",
              "month_day", "month_day_time", "full")


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """Return a CJK font of a pixel size from the first installed candidate."""
    paths = FONT_PATHS[2:3] + FONT_PATHS if bold else FONT_PATHS
    for path, index in paths:
        try:
            return ImageFont.truetype(path, size, index=index)
        except OSError:
            continue
    raise RuntimeError("no CJK font found; install fonts-noto-cjk or fonts-wqy-zenhei")


def format_post_time(posted: datetime, now: datetime, form: str) -> str:
    """Format a post time the way WeChat Moments shows it."""
    minutes = int((now - posted).total_seconds() // 60)
    days = (now.date() - posted.date()).days
    clock = f"{posted:%H:%M}"
    table = {
        "just_now": "刚刚",
        "minutes": f"{max(minutes, 1)}分钟前",
        "hours": f"{max(minutes // 60, 1)}小时前",
        "yesterday": f"昨天 {clock}",
        "day_before": f"前天 {clock}",
        "days": f"{days}天前",
        "month_day": f"{posted.month}月{posted.day}日",
        "month_day_time": f"{posted.month}月{posted.day}日 {clock}",
        "full": f"{posted.year}年{posted.month}月{posted.day}日 {clock}",
    }
    return table[form]


def fit_form(posted: datetime, now: datetime, rng: random.Random) -> str:
    """Pick a time form that is plausible for the post's age."""
    age = now - posted
    if age < timedelta(minutes=1):
        return "just_now"
    if age < timedelta(hours=1):
        return "minutes"
    if posted.date() == now.date():
        return rng.choice(("hours", "full"))
    options = {1: ("yesterday", "month_day_time"), 2: ("day_before", "days")}
    return rng.choice(options.get((now.date() - posted.date()).days,
                                  ("days", "month_day", "month_day_time", "full")))


@dataclass(frozen=True)
class ShareSpec:
    """Everything drawn on a WeChat Moments share screenshot."""

    nickname: str
    post_text: str
    card_title: str
    time_text: str
    clock: str
    theme: str = "light"
    size: tuple[int, int] = (1080, 1920)
    layout: str = "feed"
    avatar_seed: int = 0
    others: tuple[str, ...] = ("张三", "李四", "王五")
    position: int = 0


@dataclass(frozen=True)
class AppSpec:
    """Everything drawn on an app-download or registration success screenshot."""

    app_name: str
    state_text: str
    phone: str | None
    clock: str
    theme: str = "light"
    size: tuple[int, int] = (1080, 1920)
    button: str = "orange"
    layout: str = "store"


def random_nickname(rng: random.Random) -> str:
    """Return a plausible WeChat nickname."""
    style = rng.choice(NICK_STYLES)
    return style.format(s=rng.choice(SURNAMES), g=rng.choice(GIVEN), g2=rng.choice(GIVEN),
                        place=rng.choice(PLACES))


def random_share(rng: random.Random, now: datetime, posted: datetime | None = None,
                 **overrides: Any) -> ShareSpec:
    """Return a random share spec posted at `posted` (default: within the last 3 days)."""
    posted = posted or now - timedelta(minutes=rng.randint(0, 3 * 24 * 60))
    spec = ShareSpec(
        nickname=random_nickname(rng), post_text=rng.choice(POSTS_WITH_KEYWORDS),
        card_title=rng.choice(CARD_TITLES),
        time_text=format_post_time(posted, now, fit_form(posted, now, rng)),
        clock=f"{now:%H:%M}", theme=rng.choice(("light", "dark")),
        size=rng.choice(PHONE_SIZES), layout=rng.choice(("feed", "detail")),
        avatar_seed=rng.randrange(1 << 30), position=rng.choice((0, 0, 1)),
        others=tuple(random_nickname(rng) for _ in range(4)))
    return replace(spec, **overrides)


def random_masked_phone(rng: random.Random) -> str:
    """Return a masked mainland mobile number such as 138****5678."""
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"


def random_app(rng: random.Random, now: datetime, **overrides: Any) -> AppSpec:
    """Return a random app-download success spec."""
    layout = rng.choice(("store", "register"))
    state = "注册成功" if layout == "register" else rng.choice(("下载完成", "安装成功"))
    spec = AppSpec(app_name="农村淘宝", state_text=state, phone=random_masked_phone(rng),
                   clock=f"{now:%H:%M}", theme=rng.choice(("light", "dark")),
                   size=rng.choice(PHONE_SIZES), button=rng.choice(("orange", "green")),
                   layout=layout)
    return replace(spec, **overrides)


def render_share(spec: ShareSpec, face: Callable[..., ImageFont.FreeTypeFont] = font
                 ) -> Image.Image:
    """Draw a WeChat Moments share screenshot (in the font `face` gives)."""
    theme = theme_for(spec.theme)
    canvas = Canvas(spec.size, theme, face)
    canvas.status_bar(spec.clock)
    canvas.title_bar("详情" if spec.layout == "detail" else "朋友圈")
    if spec.layout == "detail":
        canvas.likes(canvas.post(spec.nickname, spec.post_text, spec.card_title,
                                 spec.time_text, spec.avatar_seed, canvas.top))
        return canvas.image
    y: float = canvas.top
    for i, other in enumerate(spec.others[:spec.position]):
        y = canvas.post(other, POSTS_WITHOUT[i % 3], "", OTHER_TIMES[i], i, y)
    y = canvas.post(spec.nickname, spec.post_text, spec.card_title, spec.time_text,
                    spec.avatar_seed, y)
    for i, other in enumerate(spec.others[spec.position:], start=spec.position):
        if canvas.dp(y + 120) > spec.size[1]:
            break
        y = canvas.post(other, POSTS_WITHOUT[i % 3], "", OTHER_TIMES[i], spec.avatar_seed + i, y)
    return canvas.image


def render_app(spec: AppSpec) -> Image.Image:
    """Draw an app store or registration success screenshot."""
    theme: Theme = theme_for(spec.theme)
    canvas = Canvas(spec.size, theme, font)
    canvas.status_bar(spec.clock)
    if spec.layout == "register":
        canvas.title_bar(spec.app_name)
        canvas.register_page(spec.app_name, spec.state_text, spec.phone, spec.button)
    else:
        canvas.title_bar("应用详情")
        canvas.store_page(spec.app_name, spec.state_text, spec.phone, spec.button)
    return canvas.image


def to_png(img: Image.Image) -> bytes:
    """Encode an image as PNG bytes."""
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def to_jpeg(img: Image.Image, quality: int = 75) -> bytes:
    """Encode an image as JPEG bytes (the way chat apps recompress)."""
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def rescale(img: Image.Image, factor: float) -> Image.Image:
    """Resize an image by a factor."""
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS)


def crop(img: Image.Image, left: float = 0.0, top: float = 0.0, right: float = 0.0,
         bottom: float = 0.0) -> Image.Image:
    """Cut fractions of the width and height off each side."""
    w, h = img.size
    return img.crop((round(w * left), round(h * top), round(w * (1 - right)),
                     round(h * (1 - bottom))))


def draw_text_image(text: str, size: tuple[int, int] = (800, 200)) -> Image.Image:
    """Draw plain black text on white, for document and OCR tests."""
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text((20, 20), text, fill="black", font=font(40))
    return img


@dataclass(frozen=True)
class Sample:
    """A generated upload and the verdict a perfect checker would give it."""

    name: str
    data: bytes
    task: str
    expected: str  # "accept" or "reject"
    why: str = ""


def _bad_spec(rng: random.Random, now: datetime, task: str) -> tuple[AppSpec | ShareSpec, str]:
    """Return a spec that must be rejected, and why."""
    if task == "app_download":
        kind = rng.choice(("progress", "other_app"))
        state, app = ("下载中 45%", "农村淘宝") if kind == "progress" else ("安装成功", "拼多多")
        return random_app(rng, now, state_text=state, app_name=app, layout="store"), kind
    if rng.random() < 0.5:
        return random_share(rng, now, post_text=POSTS_WITHOUT[0], card_title="周末钓鱼攻略"), \
            "no_keywords"
    return random_share(rng, now, posted=now - timedelta(days=rng.randint(9, 30))), "too_old"


def _encode(img: Image.Image, rng: random.Random) -> bytes:
    """Encode as a phone would send it: PNG, or JPEG after a chat app's recompression."""
    return to_png(img) if rng.random() < 0.6 else to_jpeg(img, rng.choice((60, 75, 90)))


def _render(spec: AppSpec | ShareSpec) -> Image.Image:
    """Draw the screenshot a spec describes."""
    return render_app(spec) if isinstance(spec, AppSpec) else render_share(spec)


def make_samples(rng: random.Random, now: datetime, task: str, n: int, bad: float = 0.1,
                 copies: float = 0.1) -> list[Sample]:
    """Return n uploads for one candidate: good ones, bad ones and altered copies."""
    make = random_app if task == "app_download" else random_share
    samples: list[Sample] = []
    originals: list[Image.Image] = []
    for i in range(n):
        roll = rng.random()
        if roll < copies and originals:
            img = crop(rescale(rng.choice(originals), rng.uniform(0.5, 1.0)),
                       top=rng.uniform(0, 0.1), bottom=rng.uniform(0, 0.2))
            samples.append(Sample(f"{task}-{i:03d}.jpg", to_jpeg(img, 70), task, "reject", "copy"))
        elif roll < copies + bad:
            spec, why = _bad_spec(rng, now, task)
            samples.append(Sample(f"{task}-{i:03d}", _encode(_render(spec), rng), task,
                                  "reject", why))
        else:
            img = _render(make(rng, now))
            originals.append(img)
            samples.append(Sample(f"{task}-{i:03d}", _encode(img, rng), task, "accept"))
    return samples
