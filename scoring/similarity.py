"""Business-plan similarity: TF-IDF over character n-grams and shared passages."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import chain
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


@dataclass(frozen=True)
class Pair:
    """Two texts whose cosine similarity reaches the threshold (a sorts before b)."""

    a: str
    b: str
    similarity: float


@dataclass(frozen=True)
class Passage:
    """A passage found in both texts: where it starts in each, its length and its text."""

    a_start: int
    b_start: int
    size: int
    text: str


def similar_pairs(texts: dict[str, str], threshold: float = 0.6,
                  ngram_range: tuple[int, int] = (2, 4)) -> list[Pair]:
    """Return the pairs of texts with cosine similarity at least threshold, most similar first."""
    ids = sorted(k for k, v in texts.items() if len(v.strip()) >= ngram_range[0])
    matrix = tfidf_rows([texts[k] for k in ids], ngram_range) if len(ids) > 1 else None
    if matrix is None:
        return []
    # An n-gram found in one text only adds nothing between texts: drop it before the product.
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    shared = matrix[:, np.flatnonzero(df >= 2)]
    product = (shared @ shared.T).tocoo()  # rows are L2-normalised: this is the cosine
    keep = (product.row < product.col) & (product.data >= threshold - 1e-12)
    rows, cols = product.row[keep], product.col[keep]
    sims = np.minimum(product.data[keep], 1.0)
    order = np.lexsort((cols, rows, -np.round(sims, 12)))
    return [Pair(ids[rows[i]], ids[cols[i]], float(sims[i])) for i in order]


def tfidf_rows(texts: list[str], ngram_range: tuple[int, int] = (2, 4)) -> Any:
    """Return the L2-normalised TF-IDF rows (sparse) of the texts, or None without n-grams."""
    analyse = TfidfVectorizer(analyzer="char", ngram_range=ngram_range,
                              lowercase=False).build_analyzer()
    grams = [analyse(text) for text in texts]
    # A first-seen vocabulary gives the same vectors as sklearn's sorted one, much faster.
    vocabulary = {g: i for i, g in enumerate(dict.fromkeys(chain.from_iterable(grams)))}
    if not vocabulary:
        return None
    return TfidfVectorizer(analyzer=_as_is, vocabulary=vocabulary,
                           lowercase=False).fit_transform(grams)  # "APP" stays as written


def _as_is(grams: list[str]) -> list[str]:
    return grams


def shared_passages(a: str, b: str, min_len: int = 12) -> list[Passage]:
    """Return the passages of at least min_len characters common to a and b, longest first."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size >= min_len]
    blocks.sort(key=lambda m: (-m.size, m.a, m.b))
    return [Passage(m.a, m.b, m.size, a[m.a:m.a + m.size]) for m in blocks]
