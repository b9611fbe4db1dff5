"""Station sites (选点) per township, and the allocation of selected partners to them."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from grader.campaign import Campaign
from grader.errors import CodedError
from grader.models import (Candidate, RankingEntry, Signing, StationAllocation, StationSite,
                           Township, User)
from grader.models.states import RankingRound, Role, Stage, StationOutcome, WithdrawReason
from grader.services import audit, rankings, withdrawals
from grader.services.station_plan import (Partner, Placement, Slot, allocate, km_between,
                                          outcome_table)

MAX_SLOTS = 50  # slots of one site


class StationError(CodedError):
    """A station action refused; `code` is stable."""


def towns_in_scope(session: Session, user: User) -> list[Township]:
    """Return the townships whose sites the user manages: their own, or all for the county."""
    query = select(Township).order_by(Township.code)
    if user.role == Role.TOWNSHIP_STAFF:
        query = query.where(Township.id == user.township_id)
    return list(session.scalars(query))


def sites_by_town(session: Session, town_ids: list[int]) -> dict[int, list[StationSite]]:
    """Return each township's sites in the order they were entered."""
    out: dict[int, list[StationSite]] = {t: [] for t in town_ids}
    for site in session.scalars(select(StationSite).where(StationSite.township_id.in_(town_ids))
                                .order_by(StationSite.id)):
        out[site.township_id].append(site)
    return out


def add_site(session: Session, actor: User, town: Township, name: str, address: str,
             slots: int) -> StationSite:
    """Add a site with its slots to a township, audited."""
    if not 1 <= slots <= MAX_SLOTS:
        raise StationError("bad_slots", f"a site has 1..{MAX_SLOTS} slots", m=MAX_SLOTS)
    before = total_slots(session, town.id)
    site = StationSite(township_id=town.id, name=name.strip()[:64], address=address.strip()[:128],
                       slots=slots)
    session.add(site)
    session.flush()
    audit.record(session, actor, "add_station_site", "township", town.id, "station_slots",
                 before, before + slots, site.name or None)
    return site


def remove_site(session: Session, actor: User, site: StationSite) -> None:
    """Remove a site nobody is allocated to, audited."""
    if session.scalar(select(StationAllocation.id).where(StationAllocation.site_id == site.id)
                      .limit(1)) is not None:
        raise StationError("site_allocated", "partners are allocated to this site")
    before = total_slots(session, site.township_id)
    audit.record(session, actor, "remove_station_site", "township", site.township_id,
                 "station_slots", before, before - site.slots, site.name or None)
    session.delete(site)
    session.flush()


def set_seat(session: Session, actor: User, town: Township, lat: float | None,
             lng: float | None) -> None:
    """Set (or clear) the coordinates of the township seat, audited."""
    if (lat is None) != (lng is None):
        raise StationError("seat_half", "give both latitude and longitude, or neither")
    audit.change(session, actor, town, "lat", lat, "set_township_seat")
    audit.change(session, actor, town, "lng", lng, "set_township_seat")


def total_slots(session: Session, town_id: int) -> int:
    """Return a township's slots over all its sites."""
    return session.scalar(select(func.coalesce(func.sum(StationSite.slots), 0))
                          .where(StationSite.township_id == town_id)) or 0


def signing_open(session: Session, campaign: Campaign, today: date) -> bool:
    """Say whether signing is open: the interview ranking published, the deadline not passed.

    The deadline binds only when the campaign enforces its windows (the 2016 file's are past).
    """
    if rankings.published(session, RankingRound.INTERVIEW, bodies=False) is None:
        return False
    return not campaign.enforce_windows or today <= campaign.signing.deadline


@dataclass
class Allocation:
    """An allocation (a preview, or the one confirmed) with what its page shows."""

    placements: list[Placement]
    partners: dict[int, Candidate]
    sites: dict[int, StationSite]
    towns: list[Township]
    table: dict[int, dict] = field(default_factory=dict)
    confirmed: bool = False
    replaced: list[tuple[int, str]] = field(default_factory=list)  # refusers withdrawn on confirm

    @property
    def fingerprint(self) -> str:
        """Return a sha256 of who goes where, checked when the preview is confirmed."""
        text = ";".join(f"{p.partner_id}:{p.site_id}:{p.outcome}" for p in self.placements)
        return hashlib.sha256(text.encode()).hexdigest()

    def count(self, outcome: str) -> int:
        """Count the partners with an outcome."""
        return sum(1 for p in self.placements if p.outcome == outcome)

    @property
    def empty_sites(self) -> list[tuple[StationSite, int]]:
        """Return each site with slots nobody takes, and how many."""
        used: dict[int, int] = {}
        for p in self.placements:
            if p.site_id is not None:
                used[p.site_id] = used.get(p.site_id, 0) + 1
        return [(s, s.slots - used.get(s.id, 0)) for s in self.sites.values()
                if s.slots > used.get(s.id, 0)]


def _selected(session: Session) -> list[tuple[Candidate, int, bool | None]]:
    """Return the selected partners with their interview rank and reassignment answer."""
    ranking = rankings.published(session, RankingRound.INTERVIEW, bodies=False)
    ranks = {} if ranking is None else dict(session.execute(
        select(RankingEntry.candidate_id, RankingEntry.rank)
        .where(RankingEntry.ranking_id == ranking.id)).all())
    answers = dict(session.execute(select(Signing.candidate_id,
                                          Signing.accepts_reassignment)).all())
    cands = session.scalars(select(Candidate).options(selectinload(Candidate.township))
                            .where(Candidate.stage.in_((Stage.SELECTED, Stage.SIGNED)),
                                   withdrawals.not_withdrawn())
                            .order_by(Candidate.id)).all()
    last = max(ranks.values(), default=0) + 1  # unranked (no published entry): after everyone
    return [(c, ranks.get(c.id, last), answers.get(c.id)) for c in cands]


def _distance(campaign: Campaign, towns: list[Township]):
    """Return the township-to-township distance: great-circle km between the seats."""
    seat = {t.id: (t.lat, t.lng) for t in towns if t.lat is not None and t.lng is not None}
    unknown = campaign.stations.unknown_distance_km

    def distance(a: int, b: int) -> int:
        if a == b:
            return 0
        if a in seat and b in seat:
            return km_between(seat[a], seat[b])
        return unknown

    return distance


def preview(session: Session, campaign: Campaign) -> Allocation:
    """Compute the allocation of every selected partner to the sites as they stand now."""
    towns = list(session.scalars(select(Township).order_by(Township.code)))
    sites = {s.id: s for s in session.scalars(select(StationSite).options(
        selectinload(StationSite.township)).order_by(StationSite.id))}
    chosen = _selected(session)
    partners = [Partner(c.id, c.township_id, rank, accepts) for c, rank, accepts in chosen]
    slots = [Slot(s.id, s.township_id) for s in sites.values() for _ in range(s.slots)]
    placements = allocate(partners, slots, _distance(campaign, towns))
    return _with_table(Allocation(placements, {c.id: c for c, _r, _a in chosen}, sites, towns))


def _with_table(alloc: Allocation) -> Allocation:
    """Fill in the per-township outcome table."""
    slots_of = {t.id: 0 for t in alloc.towns}
    for site in alloc.sites.values():
        slots_of[site.township_id] += site.slots
    alloc.table = outcome_table(alloc.placements,
                                {c.id: c.township_id for c in alloc.partners.values()},
                                {s.id: s.township_id for s in alloc.sites.values()}, slots_of)
    return alloc


def confirmed(session: Session) -> Allocation | None:
    """Return the confirmed allocation, if there is one."""
    rows = session.scalars(select(StationAllocation).options(
        selectinload(StationAllocation.candidate).selectinload(Candidate.township))
        .order_by(StationAllocation.id)).all()
    if not rows:
        return None
    sites = {s.id: s for s in session.scalars(select(StationSite).options(
        selectinload(StationSite.township)).order_by(StationSite.id))}
    towns = list(session.scalars(select(Township).order_by(Township.code)))
    placements = [Placement(r.candidate_id, r.site_id, r.outcome, r.reason) for r in rows]
    return _with_table(Allocation(placements, {r.candidate_id: r.candidate for r in rows}, sites,
                                  towns, confirmed=True))


def confirm(session: Session, campaign: Campaign, actor: User, expected: str,
            today: date) -> Allocation:
    """Store the previewed allocation (replacing an earlier one), each change audited.

    Refused when signing is closed or when the allocation computed now differs from the one
    previewed (`expected`, its fingerprint).
    """
    if not signing_open(session, campaign, today):
        raise StationError("signing_closed", "station allocation is open only while signing is")
    alloc = preview(session, campaign)
    if alloc.fingerprint != expected:
        raise StationError("allocation_changed", "the allocation changed since the preview")
    before = {r.candidate_id: r for r in session.scalars(select(StationAllocation))}
    session.execute(delete(StationAllocation))
    for p in alloc.placements:
        _store(session, actor, alloc, p, before.get(p.partner_id))
    session.flush()
    alloc.confirmed = True
    alloc.replaced = _replace_refusers(session, actor, alloc)
    return alloc


def refusers(alloc: Allocation) -> list[Candidate]:
    """Return the unplaced partners who refused reassignment: they leave, the next is offered.

    A partner never asked (no answer recorded) stays unplaced for staff to ask first.
    """
    return [alloc.partners[p.partner_id] for p in alloc.placements
            if p.outcome == StationOutcome.UNPLACED and p.reason == "refused"]


def _replace_refusers(session: Session, actor: User, alloc: Allocation) -> list[tuple[int, str]]:
    """Withdraw each refuser (no station) and offer the place to the next of the ranking.

    Returns (candidate id, the offer's outcome: 'offered' or the refusal code) per refuser.
    """
    done = []
    for cand in refusers(alloc):
        withdrawals.withdraw(session, cand, actor, WithdrawReason.NO_STATION,
                             "不服从调剂，本乡镇无站点名额")
        try:
            withdrawals.offer_next(session, Stage.SELECTED, actor)
            done.append((cand.id, "offered"))
        except withdrawals.WithdrawalError as err:
            done.append((cand.id, err.code))
    session.flush()
    return done


def _store(session: Session, actor: User, alloc: Allocation, p: Placement,
           old: StationAllocation | None) -> None:
    """Store one placement, audit it when it changed, and name the site on the signing."""
    session.add(StationAllocation(candidate_id=p.partner_id, site_id=p.site_id,
                                  outcome=p.outcome, reason=p.reason, confirmed_by_id=actor.id))
    was = None if old is None else f"{old.outcome}:{old.site_id or ''}"
    now = f"{p.outcome}:{p.site_id or ''}"
    if was != now:
        audit.record(session, actor, "allocate_station", "candidate", p.partner_id, "station",
                     was, now, p.reason or None)
    signing = session.scalar(select(Signing).where(Signing.candidate_id == p.partner_id))
    if signing is None:
        signing = Signing(candidate_id=p.partner_id)
        session.add(signing)
    signing.site = alloc.sites[p.site_id].label[:64] if p.site_id else ""


OUTCOME_COLUMNS = ("slots", "own", "reassigned_in", "reassigned_out", "unplaced", "empty")


def outcome_rows(alloc: Allocation) -> list[tuple[str, dict]]:
    """Return the outcome table per township in code order, then the county's total."""
    rows = [(t.name, alloc.table.get(t.id, dict.fromkeys(OUTCOME_COLUMNS, 0)))
            for t in alloc.towns]
    total = {k: sum(r[k] for _n, r in rows) for k in OUTCOME_COLUMNS}
    return [*rows, ("合计", total)]
