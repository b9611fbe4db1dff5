"""Group activity: import chat exports and CSVs, match members to candidates, the 7-day grid."""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from grader.auth.permissions import can_view_candidate
from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import Candidate, GroupActivity, GroupMemberLink, User
from grader.models.base import utcnow
from grader.models.states import Role, Stage
from grader.services import audit, bulk, chatlog
from grader.services.tables import TableError, read_table
from grader.services.trial import TRIAL_STAGES, reports_of, trial_start
from surveys import normalise_phone
from uploads.documents import decode_text
from uploads.validate import UploadRefused

CSV_ALIASES = {"成员": "member", "群成员": "member", "姓名": "member", "日期": "day", "天": "day",
               "消息数": "count", "发言数": "count", "手机": "phone", "手机号": "phone"}


@dataclass
class ImportSummary:
    """What an activity import stored and whom it could not match."""

    batch: str
    rows: int
    unmatched: list[str] = field(default_factory=list)


class LinkError(CodedError):
    """A member link refused before anything changed; `code` is stable."""


def _remembered(session: Session, round2: set[int]) -> dict[str, int]:
    """Map member names already tied to one round-2 candidate (a staff link or earlier match)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for member, cid in session.execute(select(GroupActivity.member, GroupActivity.candidate_id)
                                       .where(GroupActivity.candidate_id.is_not(None))
                                       .distinct()):
        seen[member].add(cid)
    return {m: next(iter(ids)) for m, ids in seen.items() if len(ids) == 1 and ids <= round2}


def _matcher(session: Session):
    """Return a function mapping a Sender to a round-2 candidate id: phone, link, then name."""
    cands = session.scalars(select(Candidate).where(Candidate.stage == Stage.ROUND2)).all()
    round2 = {c.id for c in cands}
    by_phone = {c.phone: c.id for c in cands if c.phone}
    links = {k.member: k for k in session.scalars(select(GroupMemberLink))}
    remembered = _remembered(session, round2)
    names = Counter(c.name for c in cands)
    by_name = {c.name: c.id for c in cands if names[c.name] == 1}

    def match(sender: chatlog.Sender) -> int | None:
        member = sender.name[:64]
        link = links.get(member)
        linked = link.candidate_id if link and link.linked and link.candidate_id in round2 \
            else None
        phone = normalise_phone(sender.phone) if sender.phone else None
        cid = (by_phone.get(phone) or linked or remembered.get(member)
               or by_name.get(sender.name))
        refused = link is not None and not link.linked and link.candidate_id == cid
        return None if refused else cid  # staff said: not them

    return match


def _record_link(session: Session, actor: User, member: str, cand: Candidate,
                 linked: bool) -> GroupMemberLink:
    """Record staff's word on a member: this candidate (linked) or not this candidate."""
    row = session.scalar(select(GroupMemberLink).where(GroupMemberLink.member == member))
    if row is None:
        row = GroupMemberLink(member=member)
        session.add(row)
    row.candidate_id, row.linked, row.linked_by_id, row.linked_at = (
        cand.id, linked, actor.id, utcnow())
    session.flush()
    return row


def _store(session: Session, counts: Counter, source: str) -> ImportSummary:
    """Store (sender, day) counts, matched where possible."""
    match, batch = _matcher(session), uuid.uuid4().hex[:12]
    by_day: dict[int, set[str]] = defaultdict(set)
    for sender, day in counts:
        by_day[day].add(sender.name[:64])
    for day, names in sorted(by_day.items()):  # a re-import replaces, never adds up
        session.execute(delete(GroupActivity).where(
            GroupActivity.source == source, GroupActivity.day == day,
            GroupActivity.member.in_(sorted(names))))
    unmatched, rows = set(), []
    for (sender, day), n in counts.items():
        cid = match(sender)
        if cid is None:
            unmatched.add(sender.name)
        rows.append({"candidate_id": cid, "member": sender.name[:64], "day": day, "count": n,
                     "source": source, "batch": batch})
    bulk.insert_rows(session, GroupActivity, rows)
    return ImportSummary(batch, len(counts), sorted(unmatched))


def link_member(session: Session, actor: User, member: str, cand: Candidate) -> int:
    """Give an unmatched member's activity to a candidate (audited); return the rows linked."""
    if cand.stage != Stage.ROUND2:
        raise LinkError("candidate_not_in_round2", "only round-2 candidates take group activity")
    if not can_view_candidate(actor, cand):
        raise LinkError("not_your_candidate", "the candidate is outside your township")
    rows = session.scalars(select(GroupActivity).where(
        GroupActivity.member == member, GroupActivity.candidate_id.is_(None))).all()
    if not rows:
        raise LinkError("unknown_member", "no unmatched group member of that name")
    for row in rows:
        row.candidate_id = cand.id
    _record_link(session, actor, member, cand, linked=True)
    sources = ", ".join(sorted({r.source for r in rows}))
    audit.record(session, actor, "link_group_member", "candidate", cand.id, "group_member",
                 None, member, f"{len(rows)} activity rows ({sources})")
    return len(rows)


def unmatched_members(session: Session) -> list[str]:
    """Return the group members no candidate is linked to yet."""
    return list(session.scalars(select(GroupActivity.member).where(
        GroupActivity.candidate_id.is_(None)).distinct().order_by(GroupActivity.member)))


def import_chat(session: Session, campaign: Campaign, text: str, source: str) -> ImportSummary:
    """Import a plain-text chat export of a WeChat or DingTalk group."""
    days = campaign.round2.days
    counts = chatlog.parse_chat(text, trial_start(campaign).date(), days)
    if not counts:
        raise TableError("no_messages", "no messages of the trial days found in the export")
    return _store(session, counts, source)


def import_csv(session: Session, campaign: Campaign, filename: str, data: bytes,
               max_bytes: int) -> ImportSummary:
    """Import a CSV/XLSX of member, day, message count."""
    days = campaign.round2.days
    table = read_table(filename, data, CSV_ALIASES, max_bytes)
    if not {"member", "day", "count"} <= set(table.fields):
        raise TableError("missing_column", "need columns member, day, count")
    counts: Counter = Counter()
    for n, row in table.rows:
        day = chatlog.day_of(row.get("day", ""), trial_start(campaign).date(), days)
        if day is None or not row.get("count", "").isdigit() or not row.get("member"):
            raise TableError("bad_row", f"row {n}: day must be 1..{days} or a trial date, "
                                        "count a whole number")
        sender = chatlog.Sender(row["member"], row.get("phone") or None)
        counts[(sender, day)] += int(row["count"])
    return _store(session, counts, "csv")


def messages_of(session: Session, cand_ids: list[int]) -> dict[int, Counter]:
    """Map candidate to messages per day (all sources added up)."""
    out: dict[int, Counter] = defaultdict(Counter)
    for cid, day, n in session.execute(select(GroupActivity.candidate_id, GroupActivity.day,
                                              GroupActivity.count).where(
            GroupActivity.candidate_id.in_(cand_ids))):
        out[cid][day] += n
    return out


def grid(session: Session, campaign: Campaign, cands: list[Candidate]) -> list[dict]:
    """Return per candidate and day: report filed, its lateness, messages sent."""
    days = campaign.round2.days
    ids = [c.id for c in cands]
    reports, msgs = reports_of(session, ids), messages_of(session, ids)
    return [{"candidate": c, "days": [{"day": d, "report": reports[c.id].get(d),
                                        "messages": msgs[c.id][d]} for d in range(1, days + 1)]}
            for c in cands]


def unlink_member(session: Session, actor: User, member: str, cand: Candidate) -> int:
    """Take a member's activity back from a candidate (a wrong link; audited)."""
    if cand.stage != Stage.ROUND2:
        raise LinkError("candidate_not_in_round2", "round 2 is over for this candidate")
    if not can_view_candidate(actor, cand):
        raise LinkError("not_your_candidate", "the candidate is outside your township")
    rows = session.scalars(select(GroupActivity).where(
        GroupActivity.member == member, GroupActivity.candidate_id == cand.id)).all()
    if not rows:
        raise LinkError("unknown_member", "that member is not linked to this candidate")
    for row in rows:
        row.candidate_id = None
    _record_link(session, actor, member, cand, linked=False)
    audit.record(session, actor, "unlink_group_member", "candidate", cand.id, "group_member",
                 member, None, f"{len(rows)} activity rows")
    return len(rows)


def linked_members(session: Session, cands: list[Candidate]) -> list[tuple[str, Candidate]]:
    """Return members counted for a candidate under another name (a link or a phone match)."""
    by_id = {c.id: c for c in cands}
    rows = session.execute(select(GroupActivity.member, GroupActivity.candidate_id).where(
        GroupActivity.candidate_id.in_(list(by_id))).distinct().order_by(GroupActivity.member))
    return [(member, by_id[cid]) for member, cid in rows if member != by_id[cid].name]


def import_upload(session: Session, campaign: Campaign, kind: str, filename: str, data: bytes,
                  max_bytes: int) -> ImportSummary:
    """Import an uploaded chat export (kind wechat/dingtalk) or CSV/XLSX (kind csv)."""
    if not data:
        raise TableError("empty_file", "no file chosen, or the file is empty")
    if len(data) > max_bytes:
        raise TableError("file_too_large", f"the file is larger than {max_bytes >> 20} MB")
    if kind == "csv":
        return import_csv(session, campaign, filename or "a.csv", data, max_bytes)
    try:
        text = decode_text(data)  # WeChat on Windows saves GBK; phones save UTF-8
    except UploadRefused as exc:
        raise TableError(exc.code, str(exc)) from exc
    return import_chat(session, campaign, text, kind)


def in_scope(session: Session, user: User, stages: tuple[str, ...] = ("round2",)
             ) -> list[Candidate]:
    """Return the candidates at these stages the user may see (township staff: their own)."""
    query = select(Candidate).where(Candidate.stage.in_(stages)).order_by(Candidate.id)
    if user.role == Role.TOWNSHIP_STAFF:
        query = query.where(Candidate.township_id == user.township_id)
    return list(session.scalars(query))


def page(session: Session, campaign: Campaign, user: User) -> dict:
    """Return what the activity page shows the user: the grid, unmatched and linked members."""
    cands = in_scope(session, user)
    county = user.role in (Role.COUNTY_STAFF, Role.ADMIN)  # members matched to nobody: county's
    return {"rows": grid(session, campaign, in_scope(session, user, TRIAL_STAGES)),
            "unmatched": unmatched_members(session) if county else [], "cands": cands,
            "linked": linked_members(session, cands)}


def change_link(session: Session, actor: User, member: str, cand_id: int,
                linked: bool) -> tuple[int, Candidate]:
    """Link (or unlink) a member and a candidate given by id; return rows moved and the candidate."""
    cand = session.get(Candidate, cand_id)
    if cand is None:
        raise LinkError("no_such_candidate", f"no candidate {cand_id}")
    act = link_member if linked else unlink_member
    return act(session, actor, member.strip(), cand), cand
