"""The ranking engine: policy, components, normalisation, tie-breaks, cut-offs, similarity.

Pure Python (stdlib, numpy, scikit-learn); no Flask, no database.
"""

from scoring.engine import rank_facts, round_of
from scoring.errors import FactsError, PolicyError
from scoring.explain import round_score
from scoring.interview import interview_score
from scoring.policy import (
    InterviewPolicy,
    Policy,
    ReviewPolicy,
    Round1Policy,
    Round2Policy,
    policy_from_dict,
    policy_to_dict,
)
from scoring.ranks import percentile_ranks
from scoring.reviews import (
    AdjustedReview,
    needs_third_review,
    normalise_grouped,
    normalise_reviews,
)
from scoring.similarity import Pair, Passage, shared_passages, similar_pairs

__all__ = [
    "AdjustedReview",
    "FactsError",
    "InterviewPolicy",
    "Pair",
    "Passage",
    "Policy",
    "PolicyError",
    "ReviewPolicy",
    "Round1Policy",
    "Round2Policy",
    "interview_score",
    "needs_third_review",
    "normalise_grouped",
    "normalise_reviews",
    "percentile_ranks",
    "policy_from_dict",
    "policy_to_dict",
    "rank_facts",
    "round_score",
    "round_of",
    "shared_passages",
    "similar_pairs",
]
