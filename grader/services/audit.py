"""Write the audit log: every change of a stage, eligibility or score."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from grader.models import AuditLog, User


def record(session: Session, actor: User | None, action: str, entity: str, entity_id: int,
           field: str, before: Any, after: Any, reason: str | None = None) -> AuditLog:
    """Add one audit row (flushed with the change it describes)."""
    row = AuditLog(user_id=actor.id if actor else None, action=action, entity=entity,
                   entity_id=entity_id, field=field, before=before, after=after, reason=reason)
    session.add(row)
    return row


def change(session: Session, actor: User | None, obj: Any, field: str, value: Any,
           action: str, reason: str | None = None) -> bool:
    """Set an attribute and audit it when the value really changes."""
    before = getattr(obj, field)
    if before == value:
        return False
    setattr(obj, field, value)
    session.flush()
    record(session, actor, action, obj.__tablename__, obj.id, field, before, value, reason)
    return True


def latest(session: Session, before: int | None = None, per_page: int = 100
           ) -> list[AuditLog]:
    """Return one page of the log, newest first: the entries before an id (keyset), if given."""
    query = select(AuditLog).options(selectinload(AuditLog.user))
    if before is not None:
        query = query.where(AuditLog.id < before)
    return list(session.scalars(query.order_by(AuditLog.id.desc()).limit(per_page)))


def history(session: Session, entity: str, entity_id: int) -> list[AuditLog]:
    """Return every entry about one record, oldest first."""
    return list(session.scalars(select(AuditLog).where(
        AuditLog.entity == entity, AuditLog.entity_id == entity_id).order_by(AuditLog.id)))
