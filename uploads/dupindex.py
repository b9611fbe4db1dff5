"""Find exact and near duplicate screenshots among everything submitted so far.

A perceptual hash cannot tell a cropped copy (distance up to ~32 of 64 bits, measured on
generated screenshots) from another screenshot of the same template (distance 0-12), so
near duplicates are found by the content OCR read - who (nickname or masked phone), the
post time text, the status-bar clock and hashes of the other lines on screen - and the
perceptual hash only corroborates. The person alone and each pair of key fields are keys of
plain dicts, so a look-up touches a handful of entries however large the index grows.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from uploads.copies import CopyIndex, CopyMatch
from uploads.likeness import edit_distance, lines_agree

PHASH_TEMPLATE = 20  # same template 0-12 bits apart, unrelated images ~32; crops 12-32
IDENTITY = "id"
KEY_FIELDS = ("id", "clock", "time")  # indexed; "lines" (line hashes) only corroborates
_MINUTE = re.compile(r"\d[:：.]\d\d")


@dataclass(frozen=True)
class Match:
    """An earlier entry that a new screenshot duplicates."""

    item_id: str
    kind: str  # "exact", "near" or "possible"
    distance: int


def content_key(fields: dict[str, str]) -> str:
    """Encode content fields as a stable string for storage next to the file row."""
    return json.dumps({k: v for k, v in sorted(fields.items()) if v}, ensure_ascii=False,
                      separators=(",", ":"))


def parse_key(key: str | None) -> dict[str, str]:
    """Decode a content key made by content_key (empty for None or junk)."""
    try:
        value = json.loads(key) if key else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def hamming(a: str | int, b: str | int) -> int:
    """Return the number of differing bits between two 64-bit hashes (hex or int)."""
    return ((int(a, 16) if isinstance(a, str) else a)
            ^ (int(b, 16) if isinstance(b, str) else b)).bit_count()


def _alike(a: str, b: str) -> bool:
    """Tell whether two OCR readings are the same text, allowing one misread character."""
    return a == b or (min(len(a), len(b)) >= 3 and edit_distance(a, b) <= 1)


def _keys(fields: dict[str, str], lookup: bool = False) -> list[tuple[str, ...]]:
    """Return the index keys of a content: each pair of key fields and the person alone.

    A look-up uses the person alone only when there is no pair: a common nickname's
    entries are many, and a real copy shares a pair unless both other fields are lost.
    """
    items = sorted((k, v) for k, v in fields.items() if k in KEY_FIELDS)
    pairs: list[tuple[str, ...]] = [(*a, *b) for a, b in combinations(items, 2)]
    solo: list[tuple[str, ...]] = [(IDENTITY, fields[IDENTITY])] if IDENTITY in fields else []
    return pairs or solo if lookup else pairs + solo


def judge_pair(new: dict[str, str], old: dict[str, str], distance: int) -> str | None:
    """Return "near", "possible" or None for two contents and their hash distance.

    A duplicate must show the same person and another key field (clock or post time),
    nothing contradicting, and the rest of the screen must agree: most other lines, or -
    when a field is minute-exact (the clock, "昨天 18:40") - at least the hash says "same
    template". A person alone (a masked phone: 7 digits collide across thousands of
    uploads), or clock and time without a person, only make a possible duplicate.
    """
    shared = (new.keys() & old.keys()) & set(KEY_FIELDS)
    if not shared or any(not _alike(new[k], old[k]) for k in shared):
        return None
    agree = lines_agree(new.get("lines"), old.get("lines"))
    similar = agree or distance <= PHASH_TEMPLATE
    others = shared - {IDENTITY}
    if IDENTITY in shared and others:
        exact = any(k == "clock" or _MINUTE.search(new[k]) for k in others)
        if agree or (exact and similar):
            return "near"
        return "possible" if similar else None
    return "possible" if agree and (IDENTITY in shared or len(others) >= 2) else None


class DupIndex:
    """Exact (sha256) and content-plus-phash near-duplicate index."""

    def __init__(self) -> None:
        """Start empty."""
        self._by_sha: dict[str, str] = {}
        self._by_key: dict[tuple[str, ...], list[int]] = {}
        self._items: list[tuple[str, str, str, dict[str, str], str | None]] = []
        self.copies = CopyIndex()

    def __len__(self) -> int:
        """Return the number of entries."""
        return len(self._items)

    def add(self, item_id: str, sha256: str, phash: str, key: str | None,
            grid: str | None = None) -> None:
        """Remember a stored screenshot (and its post fingerprint when it has a grid)."""
        self._by_sha.setdefault(sha256, item_id)
        fields = parse_key(key)
        if grid:
            self.copies.add(item_id, {**fields, "grid": grid})
        self._items.append((item_id, sha256, phash, fields, grid or None))
        for pair in _keys(fields):
            self._by_key.setdefault(pair, []).append(len(self._items) - 1)

    def find(self, sha256: str, phash: str, key: str | None) -> Match | None:
        """Return the earliest entry this screenshot duplicates, or None."""
        if sha256 in self._by_sha:
            return Match(self._by_sha[sha256], "exact", 0)
        fields = parse_key(key)
        candidates = sorted({i for k in _keys(fields, lookup=True)
                             for i in self._by_key.get(k, ())})
        found = None
        for i in candidates:
            item_id, _, other_hash, other, _grid = self._items[i]
            distance = hamming(phash, other_hash)
            kind = judge_pair(fields, other, distance)
            if kind == "near":
                return Match(item_id, kind, distance)
            found = found or (Match(item_id, kind, distance) if kind else None)
        return found

    def find_copy(self, key: str | None, grid: str | None) -> CopyMatch | None:
        """Return an earlier upload of the same post under any name, or None."""
        return self.copies.find({**parse_key(key), "grid": grid}) if grid else None

    def rows(self) -> list[dict[str, str]]:
        """Return the entries as plain rows (with the post grid where there is one)."""
        return [{"item_id": i, "sha256": s, "phash": p, "content_key": content_key(f),
                 **({"grid": g} if g else {})} for i, s, p, f, g in self._items]

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, str] | tuple[str, ...]]) -> "DupIndex":
        """Rebuild an index from rows: dicts, or (item_id, sha256, phash, key[, grid]) tuples."""
        index = cls()
        for row in rows:
            values = row if isinstance(row, tuple) else (
                row["item_id"], row["sha256"], row["phash"], row.get("content_key"),
                row.get("grid"))
            index.add(*values)
        return index

    def dumps(self) -> str:
        """Serialise the index as JSON."""
        return json.dumps(self.rows(), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> "DupIndex":
        """Rebuild an index from dumps() output."""
        return cls.from_rows(json.loads(text))
