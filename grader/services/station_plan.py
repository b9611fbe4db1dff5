"""The optimal allocation of partners to station slots, on plain data (no database).

One `linear_sum_assignment` over a cost matrix whose terms are ordered by weight, so the
cheapest assignment is, in this order of priority:

1. as many partners as possible in a slot of their own township (every partner is "own
   township first"), those slots going to the township's best-ranked partners;
2. the remaining slots to those who accept reassignment (服从调剂), best-ranked first;
3. among those, the shortest total distance from the partner's township to the slot's.

A partner who refuses reassignment (or was never asked) may only take a slot of their own
township. Each partner also has an "unplaced" column of cost 0, so every partner is assigned
and a slot nobody takes stays empty.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from grader.models.states import StationOutcome

FORBIDDEN = 1e18  # never chosen: the partner's "unplaced" column costs 0


@dataclass(frozen=True)
class Partner:
    """A selected partner: id, township, rank in the interview ranking, reassignment answer."""

    id: int
    township_id: int
    rank: int
    accepts: bool | None


@dataclass(frozen=True)
class Slot:
    """One place at a site: a site takes as many partners as it has slots."""

    site_id: int
    township_id: int


@dataclass(frozen=True)
class Placement:
    """Where a partner goes: a site (None: unplaced), the outcome and why when unplaced."""

    partner_id: int
    site_id: int | None
    outcome: str
    reason: str = ""  # unplaced: "refused", "not_asked" or "no_slot"
    distance: int = 0


def allocate(partners: list[Partner], slots: list[Slot],
             distance: Callable[[int, int], int]) -> list[Placement]:
    """Place each partner (in the order given) in a slot or none; see the module's rules."""
    ordered = sorted(partners, key=lambda p: (p.rank, p.id))
    if not ordered:
        return []
    cost = _costs(ordered, slots, distance)
    rows, cols = linear_sum_assignment(cost)
    chosen = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return [_placement(p, slots, chosen[i], distance) for i, p in enumerate(ordered)]


def _costs(ordered: list[Partner], slots: list[Slot],
           distance: Callable[[int, int], int]) -> np.ndarray:
    """Build the partners × (slots + one unplaced column each) matrix of integer costs."""
    n, far = len(ordered), 1 + max([distance(p.township_id, s.township_id)
                                    for p in ordered for s in slots] or [0])
    reassign_weight = far  # a better rank outweighs any difference of distance
    own_weight = n * n * far + 1  # an own-township placement outweighs every reassignment
    cost = np.zeros((n, len(slots) + n))
    for i, partner in enumerate(ordered):
        priority = n - i  # the best-ranked has the largest
        for j, slot in enumerate(slots):
            if slot.township_id == partner.township_id:
                cost[i, j] = -own_weight * (n + 1 + priority)
            elif partner.accepts:
                cost[i, j] = -reassign_weight * priority + \
                    distance(partner.township_id, slot.township_id)
            else:
                cost[i, j] = FORBIDDEN
    return cost


def _placement(partner: Partner, slots: list[Slot], col: int,
               distance: Callable[[int, int], int]) -> Placement:
    """Say what the assignment's column means for the partner."""
    if col >= len(slots):
        reason = "no_slot" if partner.accepts else \
            "refused" if partner.accepts is False else "not_asked"
        return Placement(partner.id, None, StationOutcome.UNPLACED, reason)
    slot = slots[col]
    if slot.township_id == partner.township_id:
        return Placement(partner.id, slot.site_id, StationOutcome.OWN)
    return Placement(partner.id, slot.site_id, StationOutcome.REASSIGNED,
                     distance=distance(partner.township_id, slot.township_id))


def km_between(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Return the great-circle distance between two (lat, lng) points in whole kilometres."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + \
        math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return round(2 * 6371 * math.asin(math.sqrt(h)))


def outcome_table(placements: list[Placement], partner_town: dict[int, int],
                  site_town: dict[int, int], slots_of: dict[int, int]) -> dict[int, dict]:
    """Count per township: slots, own, reassigned in and out, unplaced, empty."""
    table = {t: {"slots": n, "own": 0, "reassigned_in": 0, "reassigned_out": 0, "unplaced": 0,
                 "empty": n} for t, n in slots_of.items()}

    def row(town: int) -> dict:
        return table.setdefault(town, {"slots": 0, "own": 0, "reassigned_in": 0,
                                       "reassigned_out": 0, "unplaced": 0, "empty": 0})

    for p in placements:
        home = partner_town[p.partner_id]
        if p.site_id is None:
            row(home)["unplaced"] += 1
            continue
        there = site_town[p.site_id]
        row(there)["empty"] -= 1
        if p.outcome == StationOutcome.OWN:
            row(there)["own"] += 1
        else:
            row(there)["reassigned_in"] += 1
            row(home)["reassigned_out"] += 1
    return table
