"""Check uploads before anything else: real type, size, pixels, truncation."""

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

IMAGE_KINDS = ("png", "jpeg", "webp")
OTHER_IMAGE_KINDS = ("gif", "heic", "bmp")  # phone screenshots are never these; refused
MIME = {
    "png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
    "heic": "image/heic", "bmp": "image/bmp", "pdf": "application/pdf",
    "zip": "application/zip", "txt": "text/plain", "unknown": "application/octet-stream",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


class UploadRefused(ValueError):
    """An upload was refused; `code` is the stable reason the UI translates."""

    def __init__(self, code: str, detail: str = ""):
        """Record the reason code and a human detail."""
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one upload and for ZIP archives."""

    max_image_bytes: int = 10 * 1024 * 1024
    max_document_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 30_000_000
    max_side: int = 30_000
    max_zip_bytes: int = 600 * 1024 * 1024
    max_zip_members: int = 300
    max_zip_total: int = 1024 * 1024 * 1024
    max_zip_ratio: float = 100.0
    max_request_files: int = 300  # files in one upload, ZIP members and plain files alike
    max_request_bytes: int = 300 * 1024 * 1024  # decompressed bytes in one upload


DEFAULT_LIMITS = Limits()


@dataclass
class CheckedImage:
    """A fully decoded image that passed validation."""

    image: Image.Image
    kind: str
    mime: str


def sniff(data: bytes) -> str:
    """Return the real file kind from its magic bytes (never from the file name)."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "heic"
    if head.startswith(b"BM"):
        return "bmp"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx" if b"word/" in data[:65536] else "zip"
    return "txt" if _looks_like_text(data[:4096]) else "unknown"


def _looks_like_text(head: bytes) -> bool:
    """Tell whether bytes decode as UTF-8 or GB18030 text without control characters."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue  # a multi-byte character may be cut at 4096; try the other
        return not any(ord(c) < 32 and c not in "\r\n\t\f" for c in text)
    return False


def mime_of(data: bytes) -> str:
    """Return the MIME type of the sniffed kind."""
    return MIME[sniff(data)]


def _check_size(data: bytes, limit: int) -> None:
    """Refuse empty and oversized files."""
    if not data:
        raise UploadRefused("empty_file")
    if len(data) > limit:
        raise UploadRefused("file_too_large", f"{len(data)} bytes > {limit}")


def _check_structure(data: bytes, kind: str) -> None:
    """Refuse files whose container says they were cut short."""
    if kind == "png" and b"IEND" not in data[-4096:]:
        raise UploadRefused("truncated_file", "PNG has no IEND chunk")
    if kind == "png" and data.rindex(b"IEND") + 8 != len(data):
        # bytes after the end (HTML, a ZIP) make a polyglot a browser might run
        raise UploadRefused("trailing_data", "PNG has bytes after its IEND chunk")
    if kind == "webp" and len(data) >= 8:
        declared = struct.unpack("<I", data[4:8])[0] + 8
        if declared > len(data):
            raise UploadRefused("truncated_file", f"WEBP declares {declared} bytes")


def _open(data: bytes, kind: str, limits: Limits) -> Image.Image:
    """Open an image header, refusing decompression bombs before any decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused("image_too_large", str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise UploadRefused("unreadable", str(exc)) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # a header cut short
        code = "truncated_file" if "runcated" in str(exc) else "unreadable"
        raise UploadRefused(code, str(exc)) from exc
    w, h = img.size
    if w * h > limits.max_pixels or max(w, h) > limits.max_side:
        raise UploadRefused("image_too_large", f"{w}x{h} pixels")
    if w == 0 or h == 0:
        raise UploadRefused("unreadable", "zero-sized image")
    return img


def _decode(img: Image.Image) -> Image.Image:
    """Decode every pixel, refusing truncated or corrupt data."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    try:
        img.load()
    except OSError as exc:
        code = "truncated_file" if "runcated" in str(exc) else "unreadable"
        raise UploadRefused(code, str(exc)) from exc
    except (SyntaxError, ValueError, EOFError) as exc:
        raise UploadRefused("unreadable", str(exc)) from exc
    return img


def validate_image(data: bytes, limits: Limits = DEFAULT_LIMITS) -> CheckedImage:
    """Return the decoded screenshot or raise UploadRefused with a stable code."""
    _check_size(data, limits.max_image_bytes)
    kind = sniff(data)
    if kind in OTHER_IMAGE_KINDS:
        raise UploadRefused("unsupported_image", f"{kind}; send PNG, JPEG or WEBP")
    if kind not in IMAGE_KINDS:
        raise UploadRefused("not_an_image", f"content is {kind}")
    _check_structure(data, kind)
    img = _decode(_open(data, kind, limits))
    try:
        img = ImageOps.exif_transpose(img) or img
    except (OSError, ValueError, SyntaxError):
        pass  # a broken EXIF block only loses the rotation hint
    return CheckedImage(_to_rgb(img), kind, MIME[kind])


def _to_rgb(img: Image.Image) -> Image.Image:
    """Flatten transparency onto white and return an RGB image."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def validate_document(data: bytes, limits: Limits = DEFAULT_LIMITS,
                      kinds: tuple[str, ...] = ("pdf", "docx", "txt", *IMAGE_KINDS)) -> str:
    """Return the kind of an acceptable document or raise UploadRefused."""
    _check_size(data, limits.max_document_bytes)
    kind = sniff(data)
    if kind not in kinds:
        raise UploadRefused("unsupported_type", f"content is {kind}")
    return kind
