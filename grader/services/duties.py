"""Township publicity duties (宣传发动): villages, a photo checklist per village, completion."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import DutyPhoto, Township, User, Village
from grader.models.states import DutyKind, Role
from grader.services import audit, townships
from grader.services.report_photos import PhotoError, Upload, checked_photos
from grader.services.tables import TableError, read_table
from grader.services.townships import ImportResult, RowError
from uploads.storage import FileStorage, sha256_of

VILLAGE_ALIASES = {"村": "name", "村名": "name", "村（居）": "name", "名称": "name", "village": "name",
                   "大村/小村": "size", "规模": "size", "类型": "size"}
SIZES = {"大村": True, "大": True, "large": True, "小村": False, "小": False, "small": False}
NAME_MAX = 64


class DutyError(CodedError):
    """A duty action refused; `code` is stable."""


def required(campaign: Campaign, village: Village) -> dict[str, int]:
    """Return the photos each duty of a village needs, from the campaign file's rules."""
    rules = campaign.duties
    return {DutyKind.SLOGAN: rules.slogans_large_village if village.large
            else rules.slogans_small_village,
            DutyKind.BANNER: rules.banners_per_village, DutyKind.NOTICE: rules.notice_board,
            DutyKind.QR_CODE: rules.qr_code}


def villages_of(session: Session, town_id: int) -> list[Village]:
    """Return a township's villages by name."""
    return list(session.scalars(select(Village).where(Village.township_id == town_id)
                                .order_by(Village.name, Village.id)))


def add_village(session: Session, actor: User, town: Township, name: str, large: bool) -> Village:
    """Add a village to a township, audited; a name the township has is refused."""
    name = name.strip()[:NAME_MAX]
    if session.scalar(select(Village.id).where(Village.township_id == town.id,
                                               Village.name == name)) is not None:
        raise DutyError("duplicate_village", f"{name} is already a village of the township",
                        name=name)
    village = Village(township_id=town.id, name=name, large=large)
    session.add(village)
    session.flush()
    audit.record(session, actor, "add_village", "township", town.id, "village", None,
                 f"{name}:{'large' if large else 'small'}")
    return village


def import_villages(session: Session, actor: User, town: Township, filename: str, data: bytes,
                    max_bytes: int) -> ImportResult:
    """Add or update a township's villages from a sheet (村名, 大村/小村); all or nothing."""
    table = read_table(filename, data, VILLAGE_ALIASES, max_bytes, unique=True)
    missing = [c for c in ("name", "size") if c not in table.fields]
    if missing:
        raise TableError("missing_column", f"missing column(s): {', '.join(missing)}")
    errors, parsed, seen = [], [], set()
    for n, row in table.rows:
        name, size = row.get("name", "").strip(), row.get("size", "").strip()
        if not name or len(name) > NAME_MAX or name in seen:
            errors.append(RowError(n, "name", "duplicate_name" if name in seen else
                                   "missing_value" if not name else "too_long", name[:40]))
        if size not in SIZES:
            errors.append(RowError(n, "size", "village_size", size[:40]))
        seen.add(name)
        parsed.append((name, SIZES.get(size, False)))
    if errors:
        return ImportResult(0, errors)
    known = {v.name: v for v in villages_of(session, town.id)}
    for name, large in parsed:
        if name in known:
            audit.change(session, actor, known[name], "large", large, "import_villages", filename)
        else:
            add_village(session, actor, town, name, large)
    return ImportResult(len(parsed), [])


def add_photos(session: Session, storage: FileStorage, actor: User, village: Village, duty: str,
               uploads: list[Upload]) -> int:
    """Check and keep photos proving one duty of a village; one bad or repeated photo: none.

    Photos are checked as daily-report photos are (type, size, pixels, at most 9 at once);
    a photo already kept for any duty of any village, or sent twice, is refused.
    """
    if duty not in {d.value for d in DutyKind}:
        raise DutyError("unknown_duty", f"no duty {duty}")
    try:
        checked_photos(uploads, set())
    except PhotoError as exc:  # said for duty photos: nothing is kept, no report involved
        raise DutyError(f"duty_{exc.code}", str(exc), **exc.params) from exc
    seen: set[str] = set()
    for n, upload in enumerate(uploads, 1):
        sha = sha256_of(upload.data)
        if sha in seen or session.scalar(select(DutyPhoto.id).where(DutyPhoto.sha256 == sha)):
            raise DutyError("duplicate_photo", f"photo {n} ({upload.filename}) was sent before",
                             n=n, file=upload.filename)
        seen.add(sha)
    for upload in uploads:
        stored = storage.put(upload.data)
        session.add(DutyPhoto(village_id=village.id, duty=duty, sha256=stored.sha256,
                              size=stored.size, mime=stored.mime, storage_key=stored.key,
                              uploaded_by_id=actor.id))
    session.flush()
    audit.record(session, actor, "duty_photo", "township", village.township_id, "duty_photo",
                 None, len(uploads), f"{village.name}:{duty}")
    return len(uploads)


def photos_by_village(session: Session, village_ids: list[int]) -> dict[int, dict[str, list]]:
    """Return each village's photos per duty (ids, in upload order)."""
    out: dict[int, dict[str, list]] = {v: defaultdict(list) for v in village_ids}
    for pid, vid, duty in session.execute(select(DutyPhoto.id, DutyPhoto.village_id,
                                                 DutyPhoto.duty)
                                          .where(DutyPhoto.village_id.in_(village_ids))
                                          .order_by(DutyPhoto.id)):
        out[vid][duty].append(pid)
    return out


def set_responsible(session: Session, actor: User, town: Township, name: str) -> None:
    """Name the person responsible for the township's targets (第一责任人), audited."""
    audit.change(session, actor, town, "responsible", name.strip()[:64], "set_responsible")


@dataclass
class Completion:
    """How far a township's villages are with their duties."""

    villages: int = 0
    items: int = 0  # checklist items: 4 a village
    done: int = 0  # items with all the photos they need
    photos: int = 0

    @property
    def rate(self) -> float | None:
        """Return the share of items done, or None without villages."""
        return round(self.done / self.items, 4) if self.items else None


def completion(session: Session, campaign: Campaign, town_ids: list[int]) -> dict[int, Completion]:
    """Count each township's villages, checklist items done and photos (two queries)."""
    counts: dict[tuple[int, str], int] = {(v, d): n for v, d, n in session.execute(
        select(DutyPhoto.village_id, DutyPhoto.duty, func.count()).join(Village)
        .where(Village.township_id.in_(town_ids)).group_by(DutyPhoto.village_id, DutyPhoto.duty))}
    out = {t: Completion() for t in town_ids}
    for village in session.scalars(select(Village).where(Village.township_id.in_(town_ids))):
        row = out[village.township_id]
        row.villages += 1
        for duty, need in required(campaign, village).items():
            have = counts.get((village.id, duty), 0)
            row.items += 1
            row.done += have >= need
            row.photos += have
    return out


def county_table(session: Session, campaign: Campaign, user: User) -> list[dict]:
    """Return per township (in the user's scope) duties done beside the registration figures."""
    stats = townships.statistics(session, user)
    towns = {t.id: t for t in session.scalars(select(Township).where(
        Township.id.in_([r["township_id"] for r in stats])))}
    done = completion(session, campaign, list(towns))
    return [{**r, "responsible": towns[r["township_id"]].responsible,
             "duties": done[r["township_id"]]} for r in stats]


def may_reach(user: User, township_id: int) -> bool:
    """Say whether the user may see or change a township's duties."""
    return user.role != Role.TOWNSHIP_STAFF or user.township_id == township_id
