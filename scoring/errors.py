"""Errors raised by the scoring engine."""


class FactsError(ValueError):
    """Malformed facts: the message names the candidate and the field."""


class PolicyError(FactsError):
    """A policy dictionary that cannot be read."""
