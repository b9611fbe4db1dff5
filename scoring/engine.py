"""Rank plain facts: the entry point behind `grader score --facts`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scoring import interview, round1, round2
from scoring.errors import FactsError
from scoring.facts import Where, candidates, count, get, mapping, moment
from scoring.policy import Policy, policy_from_dict, policy_to_dict
from scoring.ranks import Entry, rank_entries

_ROUNDS: dict[int | str, int | str] = {1: 1, 2: 2, 3: "interview", "interview": "interview"}


def rank_facts(facts: dict[str, Any], policy: Policy | None = None) -> dict[str, Any]:
    """Rank the candidates in facts under policy (else facts["policy"], else the default)."""
    if not isinstance(facts, dict):
        raise FactsError("facts must be a JSON object")
    if policy is None:
        policy = policy_from_dict(facts.get("policy"))
    which = round_of(facts)
    entries, cohort, tiebreaks, default_advance = _score(which, facts, policy)
    advance = _advance(facts, default_advance)
    ranking = rank_entries(entries, advance, tiebreaks)
    cohort = {"candidates": len(ranking), **cohort}
    return {"round": which, "advance": advance, "policy": policy_to_dict(policy),
            "cohort": cohort, "ranking": [row.as_dict() for row in ranking]}


def round_of(facts: dict[str, Any]) -> int | str:
    """Return 1, 2 or "interview" from facts["round"]."""
    value = facts.get("round")
    if isinstance(value, bool) or value not in _ROUNDS:
        raise FactsError(f"facts: round must be 1, 2, 3 or \"interview\", got {value!r}")
    return _ROUNDS[value]


def _score(which: int | str, facts: dict[str, Any],
           policy: Policy) -> tuple[list[Entry], dict[str, Any], tuple[str, ...], int]:
    pairs = candidates(facts)
    if which == 1:
        start = _start(facts)
        end = _end(facts, start)
        cands = [round1.parse_candidate(cid, raw, policy) for cid, raw in pairs]
        entries, cohort = round1.score_round1(cands, start, end, policy)
        return entries, cohort, round1.TIEBREAKS, policy.round1.advance
    if which == 2:
        start = _start(facts)
        cands2 = [round2.parse_candidate(cid, raw, policy) for cid, raw in pairs]
        entries, cohort = round2.score_round2(cands2, start, policy)
        return entries, cohort, round2.TIEBREAKS, policy.round2.advance
    cands3 = [interview.parse_candidate(cid, raw) for cid, raw in pairs]
    entries, cohort = interview.score_interview(cands3)
    return entries, cohort, interview.TIEBREAKS, policy.interview.advance


def _window(facts: dict[str, Any]) -> dict[str, Any]:
    return mapping(get(facts, "window", Where(None)), Where(None), "window")


def _start(facts: dict[str, Any]) -> datetime:
    at = Where(None, "window")
    return moment(get(_window(facts), "start", at), at, "start")


def _end(facts: dict[str, Any], start: datetime) -> datetime:
    at = Where(None, "window")
    end = moment(get(_window(facts), "end", at), at, "end")
    if end <= start:
        raise (at / "end").fail("must be after window.start")
    return end


def _advance(facts: dict[str, Any], default: int) -> int:
    if facts.get("advance") is None:
        return default
    return count(facts["advance"], Where(None), "advance")
