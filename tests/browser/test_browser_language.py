"""Every page of every role, in each language, says nothing in the other language.

Names and data (a candidate's name, a township, a file's name, a score's ID column) are marked in
the templates with class="data" (or a lang attribute saying which language they are in), a
formula's symbols (T, Q, R5) with <var>; the
check reads everything else a user reads: text, titles, placeholders, labels for screen readers.
"""

import re

import pytest

from site_pages import PAGES, open_as, visit

pytestmark = pytest.mark.browser
HAN = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011]+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# words a Chinese page uses as they are: formats, units, brands, abbreviations
ALLOWED = {"APP", "PDF", "DOCX", "TXT", "PNG", "JPG", "JPEG", "WEBP", "HEIC", "ZIP", "CSV",
           "XLSX", "Excel", "Word", "ID", "MB", "KB", "GB", "OCR", "UTF", "GBK", "QQ", "WeChat",
           "English", "x", "px", "IP"}
READ = """() => {
  const lang = document.documentElement.lang;
  const hidden = el => el.closest('.data, var, script, style, template') ||
                       (el.closest('[lang]') && el.closest('[lang]').lang !== lang);
  const out = [document.title];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.textContent.trim() && !hidden(n.parentElement)) out.push(n.textContent.trim());
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], img[alt], input[type=submit][value]')) {
    if (hidden(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'alt', 'value'])
      if (el.getAttribute(a) && (a !== 'value' || el.type === 'submit')) out.push(el.getAttribute(a));
  }
  return out;
}"""


def foreign(texts: list[str], lang: str) -> list[str]:
    """Return the pieces of text in the other language."""
    if lang == "en":
        return [t for t in texts if HAN.search(t)]
    return [t for t in texts if any(w not in ALLOWED for w in WORD.findall(t))]


CASES = [(role, lang) for role in PAGES for lang in ("zh_CN", "en")]


@pytest.mark.parametrize(("role", "lang"), CASES)
def test_one_language_per_page(live_server, browser, role, lang):
    page = open_as(browser, live_server, role, lang)
    found = []
    for path in PAGES[role]:
        where = visit(page, live_server, path)
        found += [f"{where}: {text[:120]!r}" for text in foreign(page.evaluate(READ), lang)]
    page.context.close()
    assert not found, f"{len(found)} pieces in the other language:\n" + "\n".join(found)
