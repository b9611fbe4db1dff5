"""The app's file storage (content-addressed under STORAGE_DIR).

Inside a request a new file is written under a temporary name and linked into place only
once the request's rows are committed; a request that fails removes it. So a failed upload
(the database away, a refused batch) leaves no orphan file, and no row names a missing one.
"""

from pathlib import Path
from typing import BinaryIO

from flask import current_app, g, has_request_context

from grader.db import after_commit, on_rollback
from uploads.storage import FileStorage, StoredFile


def get_storage():
    """Return the storage of the running app (one staging its writes, in a request)."""
    ext = current_app.extensions
    if "grader.storage" not in ext:
        ext["grader.storage"] = FileStorage(current_app.config["STORAGE_DIR"])
    if not has_request_context():
        return ext["grader.storage"]
    if "grader_storage" not in g:
        g.grader_storage = RequestStorage(ext["grader.storage"])
    return g.grader_storage


class RequestStorage:
    """A request's view of the storage: writes wait for the commit; reads see them."""

    def __init__(self, base: FileStorage):
        """Stage writes in `base`."""
        self.base = base
        self.staged: dict[str, Path] = {}

    def put(self, data: bytes) -> StoredFile:
        """Stage bytes; link them into place after the commit, remove them on a rollback."""
        stored, staged = self.base.stage(data)
        if staged is not None and stored.key not in self.staged:
            self.staged[stored.key] = staged
            after_commit(lambda: self._publish(stored.key))
            on_rollback(lambda: self.base.discard(staged))
        elif staged is not None:
            self.base.discard(staged)  # the same bytes twice in one request
        return stored

    def _publish(self, key: str) -> None:
        """Link a staged file into place."""
        self.base.publish(self.staged.pop(key), key)

    def read(self, key: str) -> bytes:
        """Return stored (or staged) bytes."""
        return self.staged[key].read_bytes() if key in self.staged else self.base.read(key)

    def open(self, key: str) -> BinaryIO:
        """Open stored (or staged) bytes for reading."""
        return self.staged[key].open("rb") if key in self.staged else self.base.open(key)

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored (or staged)."""
        return key in self.staged or self.base.exists(key)

    def __getattr__(self, name: str):
        """Reach the rest of the storage (its root, paths)."""
        return getattr(self.base, name)
