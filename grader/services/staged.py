"""Uploaded tables kept between their preview and the confirmation that applies them."""

from sqlalchemy.orm import Session

from grader.errors import CodedError
from grader.models import TableUpload, User
from grader.models.base import utcnow


class StagedError(CodedError):
    """A confirmation naming no waiting upload; `code` is stable."""


def stage(session: Session, storage, purpose: str, filename: str, data: bytes,
          actor: User | None, mapping: dict | None = None) -> TableUpload:
    """Store the file and a row naming it, so its confirmation reads the very bytes previewed."""
    stored = storage.put(data)
    upload = TableUpload(purpose=purpose, filename=(filename or "upload")[:200],
                         storage_key=stored.key, mapping=mapping,
                         user_id=actor.id if actor else None)
    session.add(upload)
    session.flush()
    return upload


def waiting(session: Session, storage, upload_id: int | None, purpose: str
            ) -> tuple[TableUpload, bytes]:
    """Return a staged upload of this purpose not yet applied, with its bytes."""
    upload = session.get(TableUpload, upload_id, with_for_update=True) if upload_id else None
    if upload is None or upload.purpose != purpose:
        raise StagedError("upload_unknown", "no such uploaded table; upload the file again")
    if upload.applied_at is not None:
        raise StagedError("upload_applied", "this uploaded table was already imported")
    return upload, storage.read(upload.storage_key)


def applied(upload: TableUpload, rows: int) -> None:
    """Mark a staged upload as imported (it cannot be confirmed twice)."""
    upload.applied_at, upload.applied_rows = utcnow(), rows
