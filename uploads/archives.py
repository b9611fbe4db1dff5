"""ZIP uploads and request budgets: members are inflated one at a time, never all at once."""

import io
import posixpath
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from uploads.validate import DEFAULT_LIMITS, Limits, UploadRefused, sniff

Source = bytes | BinaryIO  # an upload's bytes, or a seekable file holding them


@dataclass
class Budget:
    """What is left of one request's allowance of files and decompressed bytes."""

    files: int
    bytes: int

    @classmethod
    def of(cls, limits: Limits) -> "Budget":
        """Return the full allowance of one request."""
        return cls(limits.max_request_files, limits.max_request_bytes)

    def refusal(self, size: int) -> str | None:
        """Return why one more file of `size` bytes does not fit, or None."""
        if self.files <= 0:
            return "too_many_files"
        if size > self.bytes:
            return "upload_too_large"
        return None

    def spend(self, size: int) -> None:
        """Count one file of `size` bytes."""
        self.files, self.bytes = self.files - 1, self.bytes - size


@dataclass(frozen=True)
class ZipMember:
    """One file inside a ZIP: its bytes, or the reason it was refused."""

    name: str
    data: bytes | None
    refusal: str | None = None


_SKIP_PREFIXES = ("__MACOSX/",)
_SKIP_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")
_HEAD = 65536  # enough bytes to sniff any kind, a DOCX's "word/" included


def head_of(source: Source) -> bytes:
    """Return the first bytes of an upload (a file is rewound afterwards)."""
    if isinstance(source, bytes):
        return source[:_HEAD]
    source.seek(0)
    head = source.read(_HEAD)
    source.seek(0)
    return head


def size_of(source: Source) -> int:
    """Return an upload's size in bytes without reading it."""
    if isinstance(source, bytes):
        return len(source)
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    return size


def read_capped(source: Source, cap: int) -> bytes | None:
    """Return an upload's bytes, or None when it holds more than `cap` bytes."""
    if isinstance(source, bytes):
        return source if len(source) <= cap else None
    source.seek(0)
    data = source.read(cap + 1)
    return None if len(data) > cap else data


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


def _open_zip(source: Source, limits: Limits) -> zipfile.ZipFile:
    """Open an archive and refuse it whole when its directory is abusive."""
    size = size_of(source)
    if not size:
        raise UploadRefused("empty_file")
    if size > limits.max_zip_bytes:
        raise UploadRefused("file_too_large", f"{size} bytes > {limits.max_zip_bytes}")
    if sniff(head_of(source)) not in ("zip", "docx"):
        raise UploadRefused("not_a_zip")
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRefused("unreadable", str(exc)) from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise UploadRefused("zip_too_many_files", f"{len(infos)} members")
    if sum(i.file_size for i in infos) > limits.max_zip_total:
        raise UploadRefused("zip_bomb", "declared total size too large")
    return zf


def _skipped(info: zipfile.ZipInfo, name: str) -> bool:
    """Tell whether a member is a folder or an operating system's litter."""
    base = posixpath.basename(name.replace("\\", "/"))
    return info.is_dir() or name.startswith(_SKIP_PREFIXES) or base in _SKIP_NAMES


def iter_zip(source: Source, limits: Limits = DEFAULT_LIMITS,
             budget: Budget | None = None) -> Iterator[ZipMember]:
    """Yield each file of a ZIP upload, inflating one member at a time.

    A bad member is refused alone; members past the request's budget (files or
    decompressed bytes) are refused without being inflated.
    """
    budget = budget or Budget(limits.max_zip_members, limits.max_zip_total)
    zf = _open_zip(source, limits)
    for info in zf.infolist():
        name = _member_name(info)
        if _skipped(info, name):
            continue
        refusal = _member_refusal(info, name, limits) or budget.refusal(info.file_size)
        if refusal:
            budget.spend(0)
            yield ZipMember(name, None, refusal)
            continue
        member = _extract(zf, info, name, min(budget.bytes, limits.max_image_bytes))
        budget.spend(len(member.data or b""))
        yield member


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, cap: int) -> ZipMember:
    """Extract one member, refusing lies about its size and nested archives."""
    try:
        with zf.open(info) as fh:
            body = fh.read(cap + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        return ZipMember(name, None, "truncated_file" if "CRC" not in str(exc) else "unreadable")
    if len(body) > cap:
        return ZipMember(name, None, "zip_bomb")
    if body and sniff(body) == "zip":
        return ZipMember(name, None, "zip_nested")
    return ZipMember(name, body)


def unpack(files: Iterable[tuple[str, Source]], limits: Limits = DEFAULT_LIMITS,
           budget: Budget | None = None) -> Iterator[tuple[str, bytes | None, str | None]]:
    """Yield (name, bytes, refusal) for every plain file and ZIP member, one at a time."""
    budget = budget or Budget.of(limits)
    for name, source in files:
        if sniff(head_of(source)) == "zip":
            try:
                for m in iter_zip(source, limits, budget):
                    yield f"{name}/{m.name}", m.data, m.refusal
            except UploadRefused as whole:
                yield name, None, whole.code
            continue
        over = budget.refusal(min(size_of(source), limits.max_image_bytes + 1))
        data = None if over else read_capped(source, limits.max_image_bytes)
        budget.spend(len(data or b""))
        yield name, data, over or (None if data is not None else "file_too_large")
