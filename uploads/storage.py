"""Content-addressed file storage: the same bytes are stored once, under their sha256."""

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from uploads.validate import mime_of

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredFile:
    """Metadata of stored bytes, kept apart from the bytes themselves."""

    sha256: str
    size: int
    mime: str
    key: str


class Storage(Protocol):
    """What a storage backend offers (filesystem now; S3 could follow)."""

    def put(self, data: bytes) -> StoredFile:
        """Store bytes once and return their metadata."""

    def open(self, key: str) -> BinaryIO:
        """Open stored bytes for reading."""

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored."""


def sha256_of(data: bytes) -> str:
    """Return the hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def key_for(sha256: str) -> str:
    """Return the storage key of a digest, fanned out over two directory levels."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class FileStorage:
    """Store files under a root directory, keyed by content."""

    def __init__(self, root: str | os.PathLike[str]):
        """Use `root` (created when missing) as the storage directory."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, key: str) -> Path:
        """Return the path of a key, refusing anything that is not a storage key."""
        if not _KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored."""
        return self.path_of(key).is_file()

    def open(self, key: str) -> BinaryIO:
        """Open stored bytes for reading."""
        return self.path_of(key).open("rb")

    def read(self, key: str) -> bytes:
        """Return stored bytes."""
        return self.path_of(key).read_bytes()

    def put(self, data: bytes) -> StoredFile:
        """Store bytes once (atomically) and return their metadata."""
        stored, staged = self.stage(data)
        if staged is not None:
            self.publish(staged, stored.key)
        return stored

    def stage(self, data: bytes) -> tuple[StoredFile, Path | None]:
        """Write bytes under a temporary name beside their place; None when already stored.

        Nothing is visible under the key until `publish`; `discard` removes the temporary
        file. A write that fails (a full disk) leaves nothing behind and raises OSError.
        """
        digest = sha256_of(data)
        stored = StoredFile(digest, len(data), mime_of(data), key_for(digest))
        path = self.path_of(stored.key)
        if path.is_file():
            return stored, None
        path.parent.mkdir(parents=True, exist_ok=True)
        return stored, self._write_temporary(path.parent, data)

    def publish(self, staged: Path, key: str) -> None:
        """Link a staged file into its place (atomically: readers never see half a file)."""
        os.replace(staged, self.path_of(key))

    @staticmethod
    def discard(staged: Path) -> None:
        """Remove a staged file that will not be published."""
        staged.unlink(missing_ok=True)

    def _write_temporary(self, folder: Path, data: bytes) -> Path:
        """Write bytes to a new temporary file in a folder; remove it if the write fails."""
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                self._fill(fh, data)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp)

    @staticmethod
    def _fill(fh: BinaryIO, data: bytes) -> None:
        """Write the bytes of a new file (raises OSError when the disk is full)."""
        fh.write(data)
