"""Words in the reader's language, each translated once a request.

A page says the same words hundreds of times (an audit page 500 translations: table headers,
action names, a menu); Flask-Babel looks up the request's locale and catalogue anew for each,
through Flask's context proxies, about 13 µs a time. Here a request remembers what it
translated, per locale (a block under `force_locale` gets its own words).
"""

from typing import Any

from flask import g
from flask_babel import gettext
from flask_babel.speaklater import LazyString

MEMO = "grader_words"  # on Flask-Babel's per-request namespace: (locale, msgid) -> words


def translated(msgid: str) -> str:
    """Return msgid in the reader's language (a template's `_`; no formatting).

    The memo sits on Flask-Babel's own namespace of the request (`g._flask_babel`), keyed by
    the locale it holds there (`force_locale` swaps that locale, and so the words).
    """
    try:
        babel = g.get("_flask_babel")  # one look through Flask's proxy: called ~500 times a page
    except RuntimeError:  # outside an app context
        babel = None
    locale = getattr(babel, "babel_locale", None)
    if locale is None:  # outside a request, or its first words: Flask-Babel settles the locale
        return gettext(msgid)
    memo = vars(babel).setdefault(MEMO, {})
    text = memo.get((locale, msgid))
    if text is None:
        text = memo[(locale, msgid)] = gettext(msgid)
    return text


def remembered(msgid: str, **variables: Any) -> str:
    """Translate and fill in, as Flask-Babel's gettext does."""
    text = translated(msgid)
    return text % variables if variables else text


def lazy(msgid: str, **variables: Any) -> LazyString:
    """Translate when used, as Flask-Babel's lazy_gettext does."""
    return LazyString(remembered, msgid, **variables)
