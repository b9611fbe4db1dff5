"""Real phone screenshots (none a recruitment share or an app download) are never accepted."""

from pathlib import Path

import pytest

from uploads.checker import check_batch
from uploads.rules import rules_from_campaign
from uploads.synth import CAMPAIGN_2016, DEMO_NOW

SCREENS = Path(__file__).resolve().parents[2].parent / "shared" / "peers" / "screens"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SCREENS.is_dir(), reason=f"{SCREENS} is missing"),
]


@pytest.fixture(scope="module")
def screens() -> list[tuple[str, bytes]]:
    files = sorted(p for p in SCREENS.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    return [(p.name, p.read_bytes()) for p in files]


@pytest.mark.parametrize("task", ["wechat_share", "app_download"])
def test_no_real_screenshot_is_accepted(screens, task):
    assert screens, "no screenshots found"
    verdicts = check_batch(screens, task, rules_from_campaign(CAMPAIGN_2016, task), DEMO_NOW)
    accepted = [v.file for v in verdicts if v.verdict == "accept"]
    assert accepted == []
    assert all(v.reasons for v in verdicts)
