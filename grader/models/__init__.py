"""Typed models; importing this package registers every table on Base.metadata."""

from grader.db import Base
from grader.models.audit import AuditLog
from grader.models.candidate import STAGES, Candidate
from grader.models.exam import ExamImport
from grader.models.township import Township
from grader.models.user import ROLES, User

__all__ = ["Base", "AuditLog", "Candidate", "ExamImport", "STAGES", "ROLES", "Township", "User"]
