"""Every named state, once: stages, roles, verdicts, statuses, kinds and outcomes.

Each is a `StrEnum`, so a value is also its stored string (`Stage.ROUND1 == "round1"`) and
reads and writes through SQLAlchemy as text; migration 0005 adds a CHECK constraint per
column that holds one, so the database refuses any other word.
"""

from enum import StrEnum

from sqlalchemy import CheckConstraint


class Stage(StrEnum):
    """Where a candidate is in the funnel, in order."""

    REGISTERED = "registered"
    ONSITE_TEST = "onsite_test"
    ROUND1 = "round1"
    ROUND2 = "round2"
    INTERVIEW = "interview"
    SELECTED = "selected"
    SIGNED = "signed"


class Channel(StrEnum):
    """How a candidate registered."""

    ONLINE = "online"
    ONSITE = "onsite"
    WECHAT = "wechat"
    OPERATOR = "operator"  # the platform operator's own recruitment site, from its export


class ImportPurpose(StrEnum):
    """What an uploaded table is for, kept between its preview and its confirmation."""

    ONLINE_EXAM = "online_exam"
    ONSITE_TEST = "onsite_test"
    REGISTRATIONS = "registrations"
    OPERATOR_FIGURES = "operator_figures"


class Role(StrEnum):
    """What an account may do."""

    CANDIDATE = "candidate"
    TOWNSHIP_STAFF = "township_staff"
    COUNTY_STAFF = "county_staff"
    REVIEWER = "reviewer"
    INTERVIEWER = "interviewer"
    ADMIN = "admin"


class Task(StrEnum):
    """The round-1 tasks that leave evidence items."""

    WECHAT_SHARE = "wechat_share"
    APP_DOWNLOAD = "app_download"
    PLAN = "plan"


class Verdict(StrEnum):
    """An evidence item's status: waiting for its check, or what the check or a person said."""

    PENDING = "pending"
    ACCEPT = "accept"
    REJECT = "reject"
    REVIEW = "review"
    SUPERSEDED = "superseded"  # a plan replaced by a later version


class AppealStatus(StrEnum):
    """An appeal before and after staff answer it."""

    OPEN = "open"
    UPHELD = "upheld"
    REJECTED = "rejected"


class ExamKind(StrEnum):
    """The two tests before round 1."""

    ONLINE_EXAM = "online_exam"
    ONSITE_TEST = "onsite_test"


class ReviewKind(StrEnum):
    """What a reviewer scores."""

    PLAN = "plan"
    REPORT = "report"


class RankingRound(StrEnum):
    """The rounds that are ranked."""

    ROUND1 = "1"
    ROUND2 = "2"
    INTERVIEW = "interview"


class RankingStatus(StrEnum):
    """A ranking from preview to publication, and after it is replaced."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    AMENDED = "amended"


class CallOutcome(StrEnum):
    """What a spot-check call found."""

    CONFIRMED = "confirmed"
    DENIED = "denied"
    WRONG_NUMBER = "wrong_number"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"


class Lateness(StrEnum):
    """When a daily report came in, against its day."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"


class FormSource(StrEnum):
    """How a survey form arrived."""

    FORM = "form"
    IMPORT = "import"


class SigningStatus(StrEnum):
    """A selected candidate's signing."""

    PENDING = "pending"
    SIGNED = "signed"


def one_of(table: str, column: str, states: type[StrEnum]) -> CheckConstraint:
    """Return the CHECK constraint that keeps a column to the names of its states."""
    words = ", ".join(f"'{state.value}'" for state in states)
    return CheckConstraint(f"{column} IN ({words})", name=f"ck_{table}_{column}")
