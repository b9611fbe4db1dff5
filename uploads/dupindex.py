"""Find exact and near duplicate screenshots among everything submitted so far.

A perceptual hash cannot tell a cropped copy (distance up to ~32 of 64 bits) from another
screenshot of the same template (distance 0-12), so near duplicates are found by content
read by OCR - who (nickname or masked phone), the post time text and the status-bar clock -
and the hash only has to agree loosely. Content fields are indexed in pairs in plain dicts,
so a look-up costs the same at 1,000 or 1,000,000 entries.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

PHASH_NEAR = 34  # crops measured up to 32; unrelated images average 32
PHASH_SAME = 6  # recompressed or rescaled copies measured 0-2
IDENTITY = "id"
KEY_FIELDS = ("id", "clock", "time")  # indexed in pairs; "lines" only corroborates
SAME_LINES = 0.6  # share of the smaller screenshot's lines found in the other
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


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance of two short strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _alike(a: str, b: str) -> bool:
    """Tell whether two OCR readings are the same text, allowing one misread character."""
    return a == b or (min(len(a), len(b)) >= 3 and edit_distance(a, b) <= 1)


def _pairs(fields: dict[str, str]) -> list[tuple[str, ...]]:
    """Return the index keys of a content: every pair of its key fields."""
    items = sorted((k, v) for k, v in fields.items() if k in KEY_FIELDS)
    return [(*a, *b) for a, b in combinations(items, 2)]


def line_overlap(a: str | None, b: str | None) -> float:
    """Return the share of the smaller set of line fingerprints found in the other."""
    left, right = set((a or "").split()), set((b or "").split())
    return len(left & right) / min(len(left), len(right)) if left and right else 0.0


def judge_pair(new: dict[str, str], old: dict[str, str], distance: int) -> str | None:
    """Return "near", "possible" or None for two contents and their hash distance.

    Same person plus a minute-exact field (clock, "昨天 18:40") is the same screenshot;
    with only coarse fields ("3小时前") the screen's other lines or the hash must agree too.
    """
    shared = (new.keys() & old.keys()) & set(KEY_FIELDS)
    if len(shared) < 2 or any(not _alike(new[k], old[k]) for k in shared):
        return None
    exact = any(k == "clock" or _MINUTE.search(new[k]) for k in shared - {IDENTITY})
    lines = line_overlap(new.get("lines"), old.get("lines"))
    if IDENTITY in shared and (exact or lines >= SAME_LINES or distance <= PHASH_NEAR):
        return "near"
    if lines >= SAME_LINES or distance <= PHASH_SAME:
        return "possible"  # same content, but nothing says who; a person must look
    return None


class DupIndex:
    """Exact (sha256) and content-plus-phash near-duplicate index."""

    def __init__(self) -> None:
        """Start empty."""
        self._by_sha: dict[str, str] = {}
        self._by_pair: dict[tuple[str, ...], list[int]] = {}
        self._items: list[tuple[str, str, str, dict[str, str]]] = []

    def __len__(self) -> int:
        """Return the number of entries."""
        return len(self._items)

    def add(self, item_id: str, sha256: str, phash: str, key: str | None) -> None:
        """Remember a stored screenshot."""
        self._by_sha.setdefault(sha256, item_id)
        fields = parse_key(key)
        self._items.append((item_id, sha256, phash, fields))
        for pair in _pairs(fields):
            self._by_pair.setdefault(pair, []).append(len(self._items) - 1)

    def find(self, sha256: str, phash: str, key: str | None) -> Match | None:
        """Return the earliest entry this screenshot duplicates, or None."""
        if sha256 in self._by_sha:
            return Match(self._by_sha[sha256], "exact", 0)
        fields = parse_key(key)
        candidates = sorted({i for p in _pairs(fields) for i in self._by_pair.get(p, ())})
        found = None
        for i in candidates:
            item_id, _, other_hash, other = self._items[i]
            distance = hamming(phash, other_hash)
            kind = judge_pair(fields, other, distance)
            if kind == "near":
                return Match(item_id, kind, distance)
            found = found or (Match(item_id, kind, distance) if kind else None)
        return found

    def rows(self) -> list[dict[str, str]]:
        """Return the entries as plain rows, the shape the app keeps in its table."""
        return [{"item_id": i, "sha256": s, "phash": p, "content_key": content_key(f)}
                for i, s, p, f in self._items]

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, str] | tuple]) -> "DupIndex":
        """Rebuild an index from DB rows (dicts or (item_id, sha256, phash, key) tuples)."""
        index = cls()
        for row in rows:
            values = row if isinstance(row, tuple) else (
                row["item_id"], row["sha256"], row["phash"], row.get("content_key"))
            index.add(*values)
        return index

    def dumps(self) -> str:
        """Serialise the index as JSON."""
        return json.dumps(self.rows(), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> "DupIndex":
        """Rebuild an index from dumps() output."""
        return cls.from_rows(json.loads(text))
