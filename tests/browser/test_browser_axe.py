"""axe-core on every page each demo role reaches: no serious or critical WCAG 2.2 AA violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from site_pages import PAGES, open_as, visit

pytestmark = pytest.mark.browser
OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}
FAILING = {"serious", "critical"}


def violations(page) -> list[dict]:
    """Run axe (shipped inside the package, no network) on the page as it stands."""
    return Axe().run(page, options=OPTIONS).response["violations"]


@pytest.mark.parametrize("role", list(PAGES))
def test_no_serious_violations(live_server, browser, role):
    page = open_as(browser, live_server, role)
    found = []
    for path in PAGES[role]:
        where = visit(page, live_server, path)
        found += [(where, v["impact"], v["id"], len(v["nodes"]), v["nodes"][0]["target"])
                  for v in violations(page)]
    page.context.close()
    print(role, sorted((impact, rule, n) for _w, impact, rule, n, _t in found))
    bad = [f for f in found if f[1] in FAILING]
    assert not bad, "\n".join(f"{w}: {impact} {rule} ×{n} e.g. {t}" for w, impact, rule, n, t in bad)
