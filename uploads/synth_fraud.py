"""Generate labelled honest and fraudulent share screenshots of the kinds traded in groups.

Honest kinds are the hard ones that must stay accepted (phone photos of a screen, 540x960,
a notification banner over the top, long screenshots, dark mode); fraud kinds are what
candidates trade: someone else's share with the nickname painted over and retyped, an old
share with the post time patched over, and a re-upload whose nickname cannot be read.
"""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from uploads import synth
from uploads.synth_draw import theme_for

HONEST_KINDS = ("plain", "photo", "lowres", "banner", "long", "dark")
FRAUD_KINDS = ("nick_swap", "time_edit", "unread_reupload")
FACES = (("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
         ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
         ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0))
IN_WINDOW_FORMS = ("hours", "yesterday", "month_day_time", "full")
Face = Callable[..., ImageFont.FreeTypeFont]


@dataclass(frozen=True)
class Shot:
    """One generated upload: who sends it, what it is and what a perfect checker says."""

    name: str
    data: bytes
    candidate: str
    kind: str
    expected: str  # "accept" or "reject" (a fraud must at least go to review)
    original: str | None = None  # the upload a copy was made from


@lru_cache(maxsize=128)
def _font(index: int, size: int) -> ImageFont.FreeTypeFont:
    """Return font `index` of FACES at a pixel size (bold is drawn regular)."""
    path, sub = FACES[index % len(FACES)]
    try:
        return ImageFont.truetype(path, size, index=sub)
    except OSError:
        return synth.font(size)


def face(index: int) -> Face:
    """Return a font function for Canvas drawing in FACES[index]."""
    def pick(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        return synth.font(size, True) if bold else _font(index, size)
    return pick


def element_box(spec: synth.ShareSpec, field: str, fnt: Face) -> tuple[int, int, int, int]:
    """Return the pixel box of the share's nickname or time text, found by redrawing."""
    full = synth.render_share(spec, fnt)
    blank_spec = replace(spec, nickname=" ") if field == "nickname" else replace(
        spec, time_text=" ")
    blank = synth.render_share(blank_spec, fnt)
    box = ImageChops.difference(full, blank).getbbox()
    if box is None:
        raise ValueError(f"{field} draws nothing")
    return box


def encode(img: Image.Image, rng: random.Random, png_share: float = 0.5) -> bytes:
    """Encode as a phone would: PNG, or JPEG at a chat app's quality."""
    buf = io.BytesIO()
    if rng.random() < png_share:
        img.save(buf, format="PNG")
    else:
        img.convert("RGB").save(buf, format="JPEG", quality=rng.choice((60, 70, 80, 90)))
    return buf.getvalue()


def decode(data: bytes) -> Image.Image:
    """Decode bytes into an RGB image."""
    return Image.open(io.BytesIO(data)).convert("RGB")


def photo_of_screen(img: Image.Image, rng: random.Random) -> Image.Image:
    """Return a phone photo of a screen: perspective, blur, uneven light and noise."""
    w, h = img.size
    j = [rng.uniform(0.0, 0.03) for _ in range(8)]
    quad = (w * j[0], h * j[1], w * j[2], h * (1 - j[3]), w * (1 - j[4]), h * (1 - j[5]),
            w * (1 - j[6]), h * j[7])
    warped = img.transform(img.size, Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    warped = warped.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.3) * w / 1080))
    px = np.asarray(warped, dtype=np.float32)
    ys, xs = np.mgrid[0:h, 0:w]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xs / w + np.sin(angle) * ys / h)
    light = 1.0 - rng.uniform(0.1, 0.25) * (ramp - ramp.min()) / (np.ptp(ramp) or 1)
    noisy = px * light[:, :, None] + np.random.default_rng(rng.randrange(1 << 30)).normal(
        0, rng.uniform(2, 5), px.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def banner_over(img: Image.Image, rng: random.Random) -> Image.Image:
    """Draw a notification banner over the top of the screen."""
    out = img.copy()
    draw = ImageDraw.Draw(out)
    s = img.width / 360
    draw.rounded_rectangle((8 * s, 6 * s, 352 * s, 70 * s), radius=12 * s,
                           fill=(250, 250, 250), outline=(200, 200, 200))
    draw.rounded_rectangle((18 * s, 18 * s, 46 * s, 46 * s), radius=6 * s, fill=(7, 193, 96))
    title, text = rng.choice((("微信", "妈妈：晚上回来吃饭吗"), ("淘宝", "您的包裹已发货"),
                              ("短信", "【银行】您尾号8812的账户")))
    draw.text((56 * s, 16 * s), title, fill=(60, 60, 60), font=synth.font(round(13 * s)))
    draw.text((56 * s, 38 * s), text, fill=(30, 30, 30), font=synth.font(round(15 * s)))
    return out


def honest_spec(rng: random.Random, now: datetime, kind: str) -> synth.ShareSpec:
    """Return the spec of an honest share of a kind (clock within the last half hour)."""
    clock = f"{now - timedelta(minutes=rng.randint(0, 30)):%H:%M}"
    spec = synth.random_share(rng, now, clock=clock)
    if kind == "lowres":
        return replace(spec, size=(540, 960))
    if kind == "long":
        return replace(spec, size=(1080, rng.choice((3200, 4200))), layout="feed",
                       position=rng.choice((1, 2)))
    if kind == "dark":
        return replace(spec, theme="dark")
    return spec


def honest_image(rng: random.Random, now: datetime, kind: str) -> Image.Image:
    """Draw an honest share of a kind in a random font."""
    img = synth.render_share(honest_spec(rng, now, kind), face(rng.randrange(len(FACES))))
    if kind == "photo":
        return photo_of_screen(img, rng)
    return banner_over(img, rng) if kind == "banner" else img


def _near(colour: tuple[int, ...], rng: random.Random, spread: int) -> tuple[int, int, int]:
    """Return a colour within `spread` levels of another, as a colour picker leaves it."""
    r, g, b = (max(0, min(255, c + rng.randint(-spread, spread))) for c in colour[:3])
    return r, g, b


def paint_over(img: Image.Image, box: tuple[int, int, int, int], text: str, colour: tuple[int, ...],
               rng: random.Random) -> Image.Image:
    """Cover a box with a patch near the background and type `text` over it."""
    out = img.copy()
    draw = ImageDraw.Draw(out)
    pad = rng.randint(2, 8)
    x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad + rng.randint(0, 40), box[3] + pad
    bg = tuple(np.asarray(out)[y0, max(0, x0 - 3)].tolist())
    draw.rectangle((x0, y0, x1, y1), fill=_near(bg, rng, rng.choice((0, 2, 4, 6))))
    size = round((box[3] - box[1]) * rng.choice((1.0, 1.0, 0.9, 1.15)) * 1.25)
    fnt = _font(rng.randrange(len(FACES)), size)
    draw.text((box[0], box[1] - round(size * 0.12)), text, font=fnt,
              fill=_near(colour, rng, rng.choice((0, 8, 25))))
    return out


def nick_swap(original: bytes, spec: synth.ShareSpec, fnt: Face,
              rng: random.Random) -> Image.Image:
    """Return someone else's share with the nickname painted over and another typed in."""
    box = element_box(spec, "nickname", fnt)
    return paint_over(decode(original), box, synth.random_nickname(rng),
                      theme_for(spec.theme).nick, rng)


def time_edit(rng: random.Random, now: datetime, start: datetime) -> Image.Image:
    """Return an old share (traded as JPEG) with an in-window post time typed over its own."""
    taken = start - timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 600))
    posted = taken - timedelta(minutes=rng.randint(30, 600))
    spec = synth.random_share(rng, taken, posted=posted, clock=f"{taken:%H:%M}",
                              time_text=f"{posted.month}月{posted.day}日 {posted:%H:%M}")
    fnt = face(rng.randrange(len(FACES)))
    traded = encode(synth.render_share(spec, fnt), rng, png_share=0.2)
    fake = now - timedelta(hours=rng.randint(2, 40))
    text = synth.format_post_time(fake, now, rng.choice(IN_WINDOW_FORMS))
    box = element_box(spec, "time_text", fnt)
    return paint_over(decode(traded), box, text, theme_for(spec.theme).sub, rng)


def unread_reupload(original: bytes, spec: synth.ShareSpec, fnt: Face,
                    rng: random.Random) -> Image.Image:
    """Return a re-upload whose nickname is smeared past reading, rescaled and cropped."""
    img = decode(original)
    x0, y0, x1, y1 = element_box(spec, "nickname", fnt)
    part = img.crop((x0, y0, x1, y1))
    cell = max(4, (y1 - y0) // 3)
    small = part.resize((max(1, part.width // cell), max(1, part.height // cell)))
    img.paste(small.resize(part.size, Image.Resampling.NEAREST), (x0, y0))
    img = synth.rescale(img, rng.uniform(0.6, 1.0))
    return synth.crop(img, top=rng.uniform(0, 0.05), bottom=rng.uniform(0, 0.1))


def _copies(rng: random.Random, now: datetime, i: int) -> list[Shot]:
    """Return an honest original and the two copies made of it, in submission order."""
    spec, fnt = honest_spec(rng, now, "plain"), face(rng.randrange(len(FACES)))
    data = encode(synth.render_share(spec, fnt), rng)
    owner = f"owner-{i}"
    original = Shot(f"original-{i}", data, owner, "original", "accept")
    swapped = nick_swap(data, spec, fnt, rng)
    smeared = unread_reupload(data, spec, fnt, rng)
    return [original,
            Shot(f"nick_swap-{i}", encode(swapped, rng), f"copier-{i}", "nick_swap", "reject",
                 original.name),
            Shot(f"unread_reupload-{i}", encode(smeared, rng, png_share=0.2),
                 rng.choice((owner, f"copier-{i}")), "unread_reupload", "reject", original.name)]


def make_corpus(rng: random.Random, now: datetime, start: datetime,
                per_kind: int = 4, jpeg_edits: bool = False) -> list[Shot]:
    """Return labelled uploads of every kind, in the order candidates submit them.

    With `jpeg_edits` every edited post time is saved as a JPEG (else half are PNGs), the
    hardest case for the forensics: no error-level analysis, only the JPEG's past.
    """
    shots = []
    for kind in HONEST_KINDS:
        for i in range(per_kind):
            img = honest_image(rng, now, kind)
            shots.append(Shot(f"{kind}-{i}", encode(img, rng, 0.0 if kind == "photo" else 0.5),
                              f"honest-{i % 3}", kind, "accept"))
    for i in range(per_kind):
        shots += _copies(rng, now, i)
        edited = encode(time_edit(rng, now, start), rng, 0.0 if jpeg_edits else 0.5)
        shots.append(Shot(f"time_edit-{i}", edited, f"editor-{i}", "time_edit", "reject"))
    return shots
