import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from uploads.archives import iter_zip
from uploads.validate import (DEFAULT_LIMITS, Limits, UploadRefused, mime_of, sniff,
                              validate_document, validate_image)


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.fixture(scope="module")
def png() -> bytes:
    return encode(Image.new("RGB", (120, 200), (200, 30, 30)), "PNG")


def refused(data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(UploadRefused) as info:
        validate_image(data, limits)
    return info.value.code


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims huge dimensions, with one tiny IDAT and IEND."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("fmt,kind", [("PNG", "png"), ("JPEG", "jpeg"), ("WEBP", "webp")])
def test_accepts_real_images_whatever_their_name(fmt, kind):
    data = encode(Image.new("RGB", (64, 48), "white"), fmt)
    checked = validate_image(data)
    assert checked.kind == kind and checked.image.size == (64, 48)
    assert checked.image.mode == "RGB" and checked.mime == f"image/{kind}"


def test_flattens_transparency_onto_white():
    data = encode(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), "PNG")
    assert validate_image(data).image.getpixel((5, 5)) == (255, 255, 255)


def test_empty_file():
    assert refused(b"") == "empty_file"


def test_file_too_large(png):
    assert refused(png, Limits(max_image_bytes=100)) == "file_too_large"


@pytest.mark.parametrize("data", [b"hello, this is text", b"%PDF-1.4\n...", b"\x00\x01\x02junk",
                                  b"PK\x03\x04" + b"\x00" * 30])
def test_not_an_image(data):
    assert refused(data) == "not_an_image"


@pytest.mark.parametrize("data", [b"GIF89a" + b"\x00" * 20, b"\x00\x00\x00\x18ftypheic" + b"\x00" * 8,
                                  b"BM" + b"\x00" * 40])
def test_other_image_types_are_unsupported(data):
    assert refused(data) == "unsupported_image"


def test_image_too_large_from_header_before_decoding():
    assert refused(png_header_only(60_000, 60_000)) == "image_too_large"


def test_pillow_bomb_error_is_a_refusal():
    data = png_header_only(20_000, 20_000)  # 4e8 px: over twice Pillow's limit
    assert refused(data, Limits(max_pixels=10**12, max_side=10**6)) == "image_too_large"


def test_pillow_bomb_warning_is_a_refusal():
    data = png_header_only(10_000, 10_000)  # 1e8 px: Pillow only warns
    assert refused(data, Limits(max_pixels=10**12, max_side=10**6)) == "image_too_large"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_files(fmt):
    img = Image.effect_noise((200, 200), 60).convert("RGB")
    data = encode(img, fmt)
    assert refused(data[: len(data) // 2]) == "truncated_file"


def test_png_without_iend_is_truncated(png):
    assert refused(png[:-12]) == "truncated_file"


def test_corrupt_pixel_data_is_unreadable():
    img = Image.effect_noise((200, 200), 60).convert("RGB")
    data = bytearray(encode(img, "PNG"))
    start = data.index(b"IDAT") + 40
    data[start:start + 200] = bytes(200)
    assert refused(bytes(data)) in ("unreadable", "truncated_file")


def test_sniff_and_mime():
    assert sniff(b"%PDF-1.7 ...") == "pdf"
    assert sniff("计划书".encode("gbk")) == "txt"
    assert mime_of(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\x00\x00\x00\x18ftypheic....") == "heic"


def test_validate_document_kinds():
    assert validate_document(b"%PDF-1.4 x") == "pdf"
    with pytest.raises(UploadRefused) as info:
        validate_document(b"\x00\x01binary")
    assert info.value.code == "unsupported_type"


def make_zip(members: list[tuple[str | zipfile.ZipInfo, bytes]], method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in members:
            zf.writestr(name, body)
    return buf.getvalue()


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16)
    return info


def test_zip_bad_members_never_affect_good_ones(png):
    inner = make_zip([("a.png", png)])
    data = make_zip([
        ("good1.png", png), ("../../etc/evil.png", png), ("/abs/evil.png", png),
        ("C:/win/evil.png", png), (symlink_info("link.png"), b"/etc/passwd"),
        ("nested.zip", inner), ("bomb.png", b"\x00" * 3_000_000), ("dir/good2.png", png),
        ("__MACOSX/._good1.png", b"junk"), ("empty.png", b""),
    ])
    got = {m.name: (m.refusal, m.data) for m in iter_zip(data)}
    assert got["good1.png"] == (None, png) and got["dir/good2.png"] == (None, png)
    assert got["../../etc/evil.png"][0] == "zip_path_traversal"
    assert got["/abs/evil.png"][0] == "zip_path_traversal"
    assert got["C:/win/evil.png"][0] == "zip_path_traversal"
    assert got["link.png"][0] == "zip_symlink"
    assert got["nested.zip"][0] == "zip_nested"
    assert got["bomb.png"][0] == "zip_bomb"
    assert got["empty.png"] == (None, b"")
    assert "__MACOSX/._good1.png" not in got


def test_zip_total_size_bomb_refused_whole(png):
    data = make_zip([(f"{i}.png", png) for i in range(3)])
    with pytest.raises(UploadRefused) as info:
        list(iter_zip(data, Limits(max_zip_total=len(png) * 2)))
    assert info.value.code == "zip_bomb"


def test_zip_too_many_files(png):
    data = make_zip([(f"{i}.png", png) for i in range(5)])
    with pytest.raises(UploadRefused) as info:
        list(iter_zip(data, Limits(max_zip_members=4)))
    assert info.value.code == "zip_too_many_files"


def test_zip_member_over_image_limit(png):
    data = make_zip([("big.png", png), ("small.txt", b"x")], method=zipfile.ZIP_STORED)
    got = {m.name: m.refusal for m in iter_zip(data, Limits(max_image_bytes=len(png) - 1))}
    assert got == {"big.png": "file_too_large", "small.txt": None}


def test_zip_lying_header_is_capped(png):
    data = bytearray(make_zip([("liar.png", b"\x00" * 50_000)], method=zipfile.ZIP_STORED))
    cd = data.index(b"PK\x01\x02")
    for offset in (data.index(b"PK\x03\x04") + 22, cd + 24):  # uncompressed sizes
        data[offset:offset + 4] = struct.pack("<I", 100)
    members = list(iter_zip(bytes(data), Limits(max_image_bytes=1000, max_zip_ratio=10**6)))
    assert [m.refusal for m in members] in (["zip_bomb"], ["unreadable"], ["truncated_file"])


def test_zip_gbk_names_are_decoded(png):
    raw = "截图1.png".encode("gb18030")  # as Windows zips write it, without the UTF-8 flag
    placeholder = b"X" * (len(raw) - 5) + b"1.png"
    data = make_zip([(placeholder.decode(), png)]).replace(placeholder, raw)
    assert [m.name for m in iter_zip(data)] == ["截图1.png"]


def test_not_a_zip_and_broken_zip(png):
    with pytest.raises(UploadRefused) as info:
        list(iter_zip(png))
    assert info.value.code == "not_a_zip"
    with pytest.raises(UploadRefused) as info:
        list(iter_zip(b"PK\x03\x04" + b"\x00" * 40))
    assert info.value.code == "unreadable"
