"""The station allocation on hand-made cases: own township first, refusals, too few slots."""

from grader.services.station_plan import (Partner, Slot, allocate, km_between,
                                          outcome_table)

# townships 1..4 on a line, 10 km apart
def line(a: int, b: int) -> int:
    return 10 * abs(a - b)


def placed(result):
    return {p.partner_id: (p.site_id, p.outcome, p.reason) for p in result}


def test_each_partner_goes_to_their_own_township_first():
    partners = [Partner(1, 1, 1, True), Partner(2, 2, 2, True), Partner(3, 3, 3, False)]
    slots = [Slot(30, 3), Slot(20, 2), Slot(10, 1)]
    assert placed(allocate(partners, slots, line)) == {
        1: (10, "own", ""), 2: (20, "own", ""), 3: (30, "own", "")}


def test_own_slots_go_to_the_townships_best_ranked_and_the_rest_are_reassigned_nearest():
    # township 1 has one slot and three partners; townships 2 and 4 have one free slot each
    partners = [Partner(11, 1, 3, True), Partner(12, 1, 1, False), Partner(13, 1, 2, True)]
    slots = [Slot(100, 1), Slot(400, 4), Slot(200, 2)]
    result = placed(allocate(partners, slots, line))
    assert result[12] == (100, "own", "")  # the best-ranked takes the own slot
    assert result[13] == (200, "reassigned", "")  # next best: the nearer township
    assert result[11] == (400, "reassigned", "")


def test_a_refusal_with_no_own_slot_is_unplaced_and_the_slot_stays_empty():
    partners = [Partner(1, 1, 1, True), Partner(2, 1, 2, False), Partner(3, 1, 3, None)]
    slots = [Slot(10, 1), Slot(20, 2)]
    result = placed(allocate(partners, slots, line))
    assert result == {1: (10, "own", ""), 2: (None, "unplaced", "refused"),
                      3: (None, "unplaced", "not_asked")}
    table = outcome_table(allocate(partners, slots, line), {1: 1, 2: 1, 3: 1},
                          {10: 1, 20: 2}, {1: 1, 2: 1})
    assert table[2] == {"slots": 1, "own": 0, "reassigned_in": 0, "reassigned_out": 0,
                        "unplaced": 0, "empty": 1}
    assert table[1]["unplaced"] == 2


def test_own_first_even_when_the_refuser_ranks_lower():
    # the accepting partner of township 2 ranks first but township 2's only slot is theirs
    # only after the refusing partner of township 1 took township 1's slot
    partners = [Partner(1, 2, 1, True), Partner(2, 1, 2, False), Partner(3, 1, 3, True)]
    slots = [Slot(10, 1), Slot(20, 2)]
    assert placed(allocate(partners, slots, line)) == {
        1: (20, "own", ""), 2: (10, "own", ""), 3: (None, "unplaced", "no_slot")}


def test_more_partners_than_slots_leaves_the_lowest_ranked_acceptors_unplaced():
    partners = [Partner(i, 9, i, True) for i in range(1, 6)]  # township 9 has no slot
    slots = [Slot(10, 1), Slot(20, 2), Slot(30, 3)]
    result = placed(allocate(partners, slots, line))
    assert {pid for pid, (site, _o, _r) in result.items() if site} == {1, 2, 3}
    assert result[4] == (None, "unplaced", "no_slot") and result[5][2] == "no_slot"


def test_rank_outweighs_distance_and_distance_decides_among_the_placed():
    # one far slot (township 1) and one near slot (township 5) for partners of township 4
    partners = [Partner(1, 4, 2, True), Partner(2, 4, 1, True), Partner(3, 4, 3, True)]
    slots = [Slot(10, 1), Slot(50, 5)]
    result = allocate(partners, slots, line)
    assert placed(result)[3] == (None, "unplaced", "no_slot")  # the worst rank, near or not
    assert sum(p.distance for p in result) == 30 + 10


def test_empty_inputs():
    assert allocate([], [Slot(1, 1)], line) == []
    assert placed(allocate([Partner(1, 1, 1, True)], [], line)) == {
        1: (None, "unplaced", "no_slot")}


def test_great_circle_distance():
    assert km_between((27.46, 106.22), (27.46, 106.22)) == 0
    assert 110 <= km_between((27.0, 106.0), (28.0, 106.0)) <= 112


def brute_distance(people, free, distance) -> int:
    """Return the least total distance placing these partners in these free slots."""
    import itertools

    return min(sum(distance(p.township_id, s.township_id) for p, s in zip(people, perm, strict=True))
               for perm in itertools.permutations(free, len(people)))


def test_random_cases_follow_the_rules_in_their_order():
    import random

    rng = random.Random(12)
    for _ in range(300):
        towns = rng.randint(1, 4)
        partners = [Partner(i, rng.randint(1, towns), i, rng.choice((True, False, None)))
                    for i in rng.sample(range(1, 40), rng.randint(1, 6))]
        slots = [Slot(100 + j, rng.randint(1, towns)) for j in range(rng.randint(0, 5))]
        seats = {t: rng.randint(0, 50) for t in range(1, towns + 1)}

        def far(a, b, seats=seats):
            return abs(seats[a] - seats[b]) + (a != b)

        got = {p.partner_id: p for p in allocate(partners, slots, far)}
        town_of = {s.site_id: s.township_id for s in slots}
        ranked = sorted(partners, key=lambda p: p.rank)
        own = set()
        for t in range(1, towns + 1):  # 1. each township's slots to its best-ranked partners
            mine = [p.id for p in ranked if p.township_id == t]
            own |= set(mine[:sum(1 for s in slots if s.township_id == t)])
        assert {i for i, p in got.items() if p.outcome == "own"} == own
        free = len(slots) - len(own)  # 2. the rest to the best-ranked who accept
        willing = [p for p in ranked if p.id not in own and p.accepts]
        moved = willing[:free]
        assert {i for i, p in got.items() if p.outcome == "reassigned"} == {p.id for p in moved}
        for p in moved:
            assert town_of[got[p.id].site_id] != p.township_id
        left = list(slots)  # the slots the own township placements leave
        for p in got.values():
            if p.outcome == "own":
                left.remove(next(s for s in left if s.site_id == p.site_id))
        if moved:  # 3. the shortest total distance for those moved
            assert sum(got[p.id].distance for p in moved) == brute_distance(moved, left, far)
