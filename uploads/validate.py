"""Check uploads before anything else: real type, size, pixels, truncation."""

import io
import posixpath
import stat
import struct
import warnings
import zipfile
from collections.abc import Iterator
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


@dataclass(frozen=True)
class ZipMember:
    """One file inside a ZIP: its bytes, or the reason it was refused."""

    name: str
    data: bytes | None
    refusal: str | None = None


_SKIP_PREFIXES = ("__MACOSX/",)
_SKIP_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


def _member_name(info: zipfile.ZipInfo) -> str:
    """Return a member's name, re-decoding GBK names written without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _member_refusal(info: zipfile.ZipInfo, name: str, limits: Limits) -> str | None:
    """Return why a member may not be extracted, judged from its header alone."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
        return "zip_path_traversal"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "zip_symlink"
    if info.flag_bits & 0x1:
        return "zip_encrypted"
    if info.file_size > limits.max_image_bytes:
        return "file_too_large"
    if info.file_size > limits.max_zip_ratio * max(info.compress_size, 1) + 1024:
        return "zip_bomb"
    return None


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """Read a member but stop past `cap` bytes, whatever its header claims."""
    with zf.open(info) as fh:
        data = fh.read(cap + 1)
    return None if len(data) > cap else data


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """Open an archive and refuse it whole when its directory is abusive."""
    _check_size(data, limits.max_zip_bytes)
    if sniff(data) not in ("zip", "docx"):
        raise UploadRefused("not_a_zip")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused("unreadable", str(exc)) from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise UploadRefused("zip_too_many_files", f"{len(infos)} members")
    if sum(i.file_size for i in infos) > limits.max_zip_total:
        raise UploadRefused("zip_bomb", "declared total size too large")
    return zf


def iter_zip(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[ZipMember]:
    """Yield each file of a ZIP upload; a bad member is refused alone."""
    zf = _open_zip(data, limits)
    budget = limits.max_zip_total
    for info in zf.infolist():
        name = _member_name(info)
        base = posixpath.basename(name.replace("\\", "/"))
        if info.is_dir() or name.startswith(_SKIP_PREFIXES) or base in _SKIP_NAMES:
            continue
        refusal = _member_refusal(info, name, limits)
        if refusal:
            yield ZipMember(name, None, refusal)
            continue
        member = _extract(zf, info, name, min(budget, limits.max_image_bytes))
        budget -= len(member.data or b"")
        yield member


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, cap: int) -> ZipMember:
    """Extract one member, refusing lies about its size and nested archives."""
    try:
        body = _read_capped(zf, info, cap)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return ZipMember(name, None, "truncated_file" if "CRC" not in str(exc) else "unreadable")
    if body is None:
        return ZipMember(name, None, "zip_bomb")
    if body and sniff(body) == "zip":
        return ZipMember(name, None, "zip_nested")
    return ZipMember(name, body)
