"""Daily reports with their photos: checked before anything is stored, kept as file records."""

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.auth.permissions import can_view_candidate
from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, DailyReport, ReportPhoto, Review, User
from grader.models.states import ReviewKind, Role
from grader.services import reviews, trial
from uploads.storage import FileStorage, sha256_of
from uploads.validate import DEFAULT_LIMITS, UploadRefused, validate_image

MAX_PHOTOS = 9  # per day's report, corrections included
PHOTO_SIDES = {"thumb": 240, "full": 1600}  # served re-encoded: small, and without EXIF/GPS


class PhotoError(CodedError):
    """A report's photos refused before anything was stored or saved; `code` is stable."""


@dataclass(frozen=True)
class Upload:
    """One attached file as the phone sent it."""

    filename: str
    data: bytes


def submit_report(session: Session, storage: FileStorage, campaign: Campaign, cand: Candidate,
                  day: int, text: str, figures: trial.Figures, uploads: list[Upload],
                  reviews_per_report: int = 1) -> DailyReport:
    """File a day's report with its photos and hand it to reviewers.

    One bad photo (or too many) refuses the whole report: nothing is stored or saved.
    """
    rep = _report_of(session, cand, day)
    new = checked_photos(uploads, {p.sha256 for p in rep.photos} if rep else set())
    rep = trial.file_report(session, campaign, cand, day, text, figures)
    for data in new:
        add_photo(session, storage, rep, data)
    reviews.assign(session, "report", [reviews.Item(rep.id, cand.id, cand.township_id)],
                   reviews_per_report)
    return rep


def checked_photos(uploads: list[Upload], existing: set[str]) -> list[bytes]:
    """Validate attached photos without storing them; return the new ones (a repeat counts once)."""
    if len(uploads) > MAX_PHOTOS:
        raise PhotoError("too_many_photos", f"at most {MAX_PHOTOS} photos",
                         m=MAX_PHOTOS, n=len(uploads))
    new: dict[str, bytes] = {}
    for n, upload in enumerate(uploads, 1):
        try:
            validate_image(upload.data, DEFAULT_LIMITS)
        except UploadRefused as exc:
            raise PhotoError("photo_refused", f"photo {n} ({upload.filename}): {exc.code}",
                             n=n, file=upload.filename, reason=exc.code,
                             mb=DEFAULT_LIMITS.max_image_bytes // 2**20,
                             p=DEFAULT_LIMITS.max_pixels // 10_000) from exc
        new.setdefault(sha256_of(upload.data), upload.data)
    fresh = [data for sha, data in new.items() if sha not in existing]
    if len(existing) + len(fresh) > MAX_PHOTOS:
        raise PhotoError("too_many_photos_today", f"at most {MAX_PHOTOS} photos a day",
                         m=MAX_PHOTOS, k=len(existing), n=len(fresh))
    return fresh


def add_photo(session: Session, storage: FileStorage, rep: DailyReport, data: bytes,
              now: datetime | None = None) -> ReportPhoto:
    """Store a checked photo and record it as the report's next one."""
    stored = storage.put(data)
    photo = ReportPhoto(position=len(rep.photos), sha256=stored.sha256, size=stored.size,
                        mime=stored.mime, storage_key=stored.key)
    if now is not None:
        photo.uploaded_at = now
    rep.photos.append(photo)
    session.flush()
    return photo


def _report_of(session: Session, cand: Candidate, day: int) -> DailyReport | None:
    """Return the candidate's report of a day, if filed."""
    return session.scalar(select(DailyReport).where(DailyReport.candidate_id == cand.id,
                                                    DailyReport.day == day))


def photo_of(session: Session, report_id: int, n: int) -> ReportPhoto | None:
    """Return a report's n-th photo (from 0), if there is one."""
    return session.scalar(select(ReportPhoto).where(ReportPhoto.report_id == report_id,
                                                    ReportPhoto.position == n))


def may_see_report(session: Session, user: User, rep: DailyReport) -> bool:
    """Say whether the user may see a report: its author, staff in scope, its reviewers."""
    if user.role == Role.REVIEWER:
        return session.scalar(select(Review.id).where(
            Review.kind == ReviewKind.REPORT, Review.item_id == rep.id,
            Review.reviewer_id == user.id).limit(1)) is not None
    return can_view_candidate(user, rep.candidate)


def resized(storage: FileStorage, photo: ReportPhoto, size: str) -> bytes | None:
    """Return a stored photo as a JPEG of the named size (no metadata); None if unreadable."""
    side = PHOTO_SIDES.get(size, PHOTO_SIDES["full"])
    try:
        return _jpeg(storage.read(photo.storage_key), side)
    except (OSError, ValueError):  # a file stored before photos were checked (e.g. HEIC)
        return None


def _jpeg(data: bytes, side: int) -> bytes:
    """Re-encode a stored (already validated) photo as a JPEG at most `side` pixels across."""
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (side, side))  # JPEGs decode at a fraction of their size: fast
        try:
            img = ImageOps.exif_transpose(img) or img
        except (OSError, ValueError, SyntaxError):
            pass  # a broken EXIF block only loses the rotation hint
        img = img.convert("RGB")
        img.thumbnail((side, side))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
    return out.getvalue()
