"""Compare OCR readings of two screenshots: edit distance of short texts, shared lines."""

SAME_LINES = 0.6  # share of the smaller screenshot's lines found in the other
MIN_COMMON_LINES = 3


def edit_distance(a: str, b: str) -> int:
    """Return the Levenshtein distance of two short strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def lines_agree(a: str | None, b: str | None) -> bool:
    """Tell whether most lines of the smaller screenshot are also on the other."""
    left, right = set((a or "").split()), set((b or "").split())
    common = len(left & right)
    return common >= MIN_COMMON_LINES and common >= SAME_LINES * min(len(left), len(right))
