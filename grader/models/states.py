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


class PublicStage(StrEnum):
    """The stages whose advancing candidates are announced to the public (公示)."""

    ONLINE_EXAM = "online_exam"
    ONSITE_TEST = "onsite_test"
    ROUND1 = "1"
    ROUND2 = "2"
    INTERVIEW = "interview"


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


class StationOutcome(StrEnum):
    """Where the station allocation put a partner."""

    OWN = "own"  # a slot of their own township
    REASSIGNED = "reassigned"  # another township's slot (服从调剂)
    UNPLACED = "unplaced"  # no slot: to be withdrawn and the next candidate offered


class DutyKind(StrEnum):
    """A township's publicity duty in one village, proved by photos."""

    SLOGAN = "slogan"  # fixed slogans painted on walls (固定标语)
    BANNER = "banner"  # banners (横幅)
    NOTICE = "notice"  # the announcement on the notice board (公示栏招募公告)
    QR_CODE = "qr_code"  # the QR code on the adverts (广告加附二维码)

class WithdrawReason(StrEnum):
    """Why a candidate left the funnel (退出): their own wish or what staff found."""

    OWN_REQUEST = "own_request"  # the candidate withdrew on /me
    DECLINED = "declined"  # said no (to a place, to signing)
    NO_SHOW = "no_show"
    UNREACHABLE = "unreachable"
    INELIGIBLE = "ineligible"  # found ineligible later
    NO_STATION = "no_station"  # refused reassignment with no station left


class OfferStatus(StrEnum):
    """A replacement offer (递补) from offer to answer."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"  # no answer by the deadline


class NoticeKind(StrEnum):
    """What a notice to candidates is about."""

    EXAM = "exam"  # exam time and place
    VENUE = "venue"  # on-site test venue
    RESULTS = "results"
    OFFER = "offer"  # replacement offers
    SIGNING = "signing"  # signing appointments
    OTHER = "other"


class Audience(StrEnum):
    """Who a notice goes to: everyone at one stage, or those with an open offer or to sign."""

    REGISTERED = "registered"
    ONSITE_TEST = "onsite_test"
    ROUND1 = "round1"
    ROUND2 = "round2"
    INTERVIEW = "interview"
    SELECTED = "selected"
    SIGNED = "signed"
    OPEN_OFFERS = "open_offers"
    SIGNING = "signing"  # selected, not yet signed: signing appointments


def one_of(table: str, column: str, states: type[StrEnum]) -> CheckConstraint:
    """Return the CHECK constraint that keeps a column to the names of its states."""
    words = ", ".join(f"'{state.value}'" for state in states)
    return CheckConstraint(f"{column} IN ({words})", name=f"ck_{table}_{column}")
