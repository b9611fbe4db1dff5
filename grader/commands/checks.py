"""Commands that check evidence and compute rankings without the database."""

COMMANDS: list = []
