"""Find rows of one ranking by registration number or name."""


def matching_rows(rows: list[dict], names: dict[str, str], text: str | None) -> list[dict]:
    """Return the rows whose registration number or name contains the text (all without one)."""
    needle = (text or "").strip().casefold()
    if not needle:
        return rows
    return [r for r in rows
            if needle in str(r["id"]).casefold() or needle in names.get(r["id"], "").casefold()]
