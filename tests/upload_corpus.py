"""Hostile uploads made in the test (never fetched): bombs, polyglots, broken files."""

import io
import random
import struct
import zipfile
import zlib

from PIL import Image

PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    return out.getvalue()


def compressible(size: int, seed: int = 1) -> bytes:
    """PNG-looking bytes that deflate about 20:1 (under the ratio limit, not a zeros bomb)."""
    noise = random.Random(seed).randbytes(48 * (size // 1024 + 1))
    chunks = (noise[i:i + 48] + b"\x00" * 976 for i in range(0, len(noise), 48))
    return (PNG_SIG + b"".join(chunks))[:size]


def same_member_zip(count: int, member: bytes, ext: str = "png") -> bytes:
    """Write a ZIP of `count` members sharing one deflated body (fast to make, huge inside)."""
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    body = comp.compress(member) + comp.flush()
    crc, local, central = zlib.crc32(member), io.BytesIO(), io.BytesIO()
    for i in range(count):
        name, offset = f"{i:03d}.{ext}".encode(), local.tell()
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(body), len(member))
        local.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name + body)
        central.write(b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack(
            "<HHHHHII", len(name), 0, 0, 0, 0, 0o644 << 16, offset) + name)
    cd = central.getvalue()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(cd), local.tell(), 0)
    return local.getvalue() + cd + end


def zip_of(entries, method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return out.getvalue()
