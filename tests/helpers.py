"""Small helpers shared by test modules."""

from datetime import date

from stdnum.cn import ric

DECLARATIONS = ("constitution", "conduct", "no_record", "health", "computer", "online_shopping",
                "training")


def ric_for(born: date, seq: str = "001", region: str = "140121") -> str:
    """Build a valid ID number with the right check digit."""
    body = f"{region}{born:%Y%m%d}{seq}"
    return body + ric.calc_check_digit(body + "0")
