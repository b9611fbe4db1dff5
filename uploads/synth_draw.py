"""Draw the parts of a phone screen (status bar, posts, app pages) for the generator."""

import random
from dataclasses import dataclass
from typing import Callable

from PIL import Image, ImageDraw, ImageFont

Color = tuple[int, int, int]
BUTTONS = {"orange": (255, 80, 0), "green": (7, 193, 96)}


@dataclass(frozen=True)
class Theme:
    """Colours of one WeChat theme."""

    bg: Color
    bar: Color
    text: Color
    sub: Color
    nick: Color
    card: Color
    line: Color


THEMES = {
    "light": Theme((255, 255, 255), (237, 237, 237), (25, 25, 25), (178, 178, 178),
                   (87, 107, 149), (243, 243, 245), (229, 229, 229)),
    "dark": Theme((25, 25, 25), (17, 17, 17), (211, 211, 211), (110, 110, 110),
                  (125, 144, 169), (36, 36, 36), (48, 48, 48)),
}


def _colour(rng: random.Random, low: int, high: int) -> Color:
    """Return a random colour, each channel drawn from low..high."""
    return rng.randint(low, high), rng.randint(low, high), rng.randint(low, high)


def theme_for(name: str) -> Theme:
    """Return the theme called `name`."""
    return THEMES[name]


class Canvas:
    """A phone screen drawn in density-independent units (360 dp wide)."""

    def __init__(self, size: tuple[int, int], theme: Theme,
                 font: Callable[..., ImageFont.FreeTypeFont]):
        """Start a blank screen."""
        self.image = Image.new("RGB", size, theme.bg)
        self.draw = ImageDraw.Draw(self.image)
        self.w, self.h = size
        self.scale = self.w / 360
        self.theme, self.font = theme, font
        self.top = 0

    def dp(self, value: float) -> int:
        """Convert dp to pixels."""
        return round(value * self.scale)

    def text(self, x: float, y: float, text: str, size: float, fill: Color,
             bold: bool = False) -> float:
        """Draw text at dp coordinates and return its width in dp."""
        fnt = self.font(self.dp(size), bold)
        self.draw.text((self.dp(x), self.dp(y)), text, fill=fill, font=fnt)
        return fnt.getlength(text) / self.scale

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Split text into lines that fit `width` dp."""
        fnt, lines, cur = self.font(self.dp(size)), [], ""
        for ch in text:
            if fnt.getlength(cur + ch) / self.scale > width:
                lines.append(cur)
                cur = ""
            cur += ch
        return [*lines, cur] if cur else lines

    def rect(self, box: tuple[float, float, float, float], fill: Color,
             radius: float = 0.0) -> None:
        """Fill a (rounded) rectangle given in dp."""
        px = tuple(self.dp(v) for v in box)
        self.draw.rounded_rectangle(px, radius=self.dp(radius), fill=fill)

    def status_bar(self, clock: str) -> None:
        """Draw the status bar: clock at the left, signal and battery at the right."""
        self.rect((0, 0, 360, 24), self.theme.bar)
        self.text(12, 4, clock, 13, self.theme.text)
        for i in range(4):
            self.rect((300 + i * 5, 16 - i * 3, 303 + i * 5, 18), self.theme.text)
        self.rect((324, 7, 346, 17), self.theme.text, radius=2)
        self.top = 24

    def title_bar(self, title: str) -> None:
        """Draw the title bar with a back arrow and a centred title."""
        self.rect((0, 24, 360, 72), self.theme.bar)
        px = [(self.dp(x), self.dp(y)) for x, y in ((22, 40), (15, 48), (22, 56))]
        self.draw.line(px, fill=self.theme.text, width=max(2, self.dp(1.6)))
        width = self.font(self.dp(17), True).getlength(title) / self.scale
        self.text(180 - width / 2, 37, title, 17, self.theme.text, bold=True)
        self.top = 72

    def avatar(self, x: float, y: float, seed: int) -> None:
        """Draw a square avatar with a simple random picture."""
        rng = random.Random(seed)
        base = _colour(rng, 40, 220)
        self.rect((x, y, x + 42, y + 42), base, radius=4)
        for _ in range(3):
            cx, cy, r = rng.uniform(x + 8, x + 34), rng.uniform(y + 8, y + 34), rng.uniform(4, 9)
            self.rect((cx - r, cy - r, cx + r, cy + r), _colour(rng, 0, 255), radius=r)

    def post(self, nick: str, body: str, card: str, when: str, seed: int, y: float) -> float:
        """Draw one Moments post from `y` and return where the next one starts."""
        t = self.theme
        self.avatar(12, y + 14, seed)
        self.text(64, y + 14, nick, 16, t.nick)
        y += 40
        for line in self.wrap(body, 16, 280):
            self.text(64, y, line, 16, t.text)
            y += 24
        if card:
            y = self.link_card(card, y + 6)
        if when:
            self.text(64, y + 10, when, 13, t.sub)
            self.rect((322, y + 10, 346, y + 26), t.card, radius=3)
            y += 34
        self.rect((0, y + 10, 360, y + 10.6), t.line)
        return y + 12

    def link_card(self, title: str, y: float) -> float:
        """Draw a shared-link card (thumbnail and title) and return its bottom."""
        self.rect((64, y, 346, y + 52), self.theme.card)
        self.rect((68, y + 4, 112, y + 48), (255, 106, 0))
        self.text(79, y + 13, "淘", 20, (255, 255, 255), bold=True)
        for i, line in enumerate(self.wrap(title, 14, 222)[:2]):
            self.text(118, y + 8 + i * 19 if len(title) > 15 else y + 17, line, 14,
                      self.theme.text)
        return y + 52

    def likes(self, y: float) -> None:
        """Draw a row of small avatars that liked the post."""
        self.rect((64, y + 4, 346, y + 40), self.theme.card)
        for i in range(8):
            box = (70 + i * 33, y + 9, 96 + i * 33, y + 35)
            self.rect(box, (90 + i * 15, 140, 200 - i * 10), radius=3)

    def app_icon(self, x: float, y: float, size: float) -> None:
        """Draw the orange app icon with a white 淘."""
        self.rect((x, y, x + size, y + size), (255, 106, 0), radius=size / 5)
        self.text(x + size * 0.2, y + size * 0.15, "淘", size * 0.55, (255, 255, 255), True)

    def button(self, y: float, label: str, color: str) -> None:
        """Draw a full-width coloured button with white text."""
        self.rect((24, y, 336, y + 44), BUTTONS[color], radius=22)
        width = self.font(self.dp(17)).getlength(label) / self.scale
        self.text(180 - width / 2, y + 10, label, 17, (255, 255, 255))

    def store_page(self, app: str, state: str, phone: str | None, color: str) -> None:
        """Draw an app store page whose button shows the download state."""
        t = self.theme
        self.app_icon(20, 92, 64)
        self.text(98, 96, app, 20, t.text, bold=True)
        self.text(98, 126, "阿里巴巴 · 23.6MB · 官方版", 13, t.sub)
        for i, line in enumerate(("买货卖货更方便，服务村民网购、代缴费、", "农产品上行，一站式农村电商平台。")):
            self.text(20, 180 + i * 22, line, 14, t.text)
        self.button(250, state, color)
        if phone:
            self.text(24, 310, f"当前账号：{phone}", 14, t.sub)

    def register_page(self, app: str, state: str, phone: str | None, color: str) -> None:
        """Draw a registration success page with the masked phone number."""
        t = self.theme
        self.rect((150, 110, 210, 170), BUTTONS["green"], radius=30)
        px = [(self.dp(x), self.dp(y)) for x, y in ((165, 140), (177, 152), (197, 128))]
        self.draw.line(px, fill=(255, 255, 255), width=self.dp(4))
        width = self.font(self.dp(22), True).getlength(state) / self.scale
        self.text(180 - width / 2, 186, state, 22, t.text, bold=True)
        if phone:
            self.text(96, 226, f"手机号 {phone}", 15, t.sub)
        self.text(70, 256, f"欢迎加入{app}，开启网购新生活", 14, t.sub)
        self.button(310, f"进入{app}", color)
