"""Languages (zh_CN first, en switchable), time zones and the texts of reason codes."""

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from babel import support
from flask import Flask, has_app_context, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from wtforms.i18n import messages_path

from markupsafe import Markup, escape

from grader.audit_words import ACTIONS, ENTITIES, FIELDS, audit_reason, audit_value, audit_words
from grader.errors import CodedError
from grader.labels import (AUDIENCES, CHANNELS, COLUMNS, COMPONENTS, DECLARATIONS, EDUCATION,
                           NOTICE_KINDS, OFFER_STATUSES, ROLES, STAGES, STEPS, WITHDRAW_REASONS)
from grader.models import states
from grader.models.base import SHANGHAI
from grader.reason_texts import REASONS
from grader.words import lazy as _l
from grader.words import translated
from surveys.schema import BASE_QUESTIONS

LANGUAGES = ("zh_CN", "en")


QUESTIONS = {q.name: q for q in BASE_QUESTIONS}
EDITED_FIELDS = {"post_time": _l("转发时间"), "nickname": _l("昵称"), "app_name": _l("APP名称"),
                 "state": _l("下载或注册状态")}


ENGLISH_PUNCTUATION = {"：": ": ", "（": " (", "）": ")", "；": "; ", "、": ", ", "，": ", "}


def punct(mark: str) -> str:
    """Say a Chinese punctuation mark in the reader's language (an English page uses ASCII)."""
    return ENGLISH_PUNCTUATION.get(mark, mark) if str(get_locale()) == "en" else mark


def reason_text(code: str, **params: Any) -> str:
    """Translate a stable reason code (`prefix:detail` keeps its detail; params fill places)."""
    head, _sep, detail = code.partition(":")
    if head == "declaration_missing":
        return f"{REASONS[head]}{punct('：')}{DECLARATIONS.get(detail, detail)}"
    if head in ("best", "pass_score"):  # an advancement rule: its detail is the number
        return str(_filled(REASONS[head], {"n": detail}))
    if head == "id_invalid":
        return str(REASONS.get(detail, REASONS[head]))
    if head == "possible_edit":  # "possible_edit:post_time@x,y,w,h": the box is drawn, not said
        field = detail.partition("@")[0]
        return f"{REASONS[head]}{punct('（')}{EDITED_FIELDS.get(field, field)}{punct('）')}"
    if "reason" in params:  # a refusal that carries another's code says it in words too
        params = {**params, "reason": _said_within(head, params)}
    text = _filled(REASONS.get(head), params)
    detail = asked(detail)  # "implausible:surveyed_at" → 调研日期 / Survey date
    return f"{text}{punct('（')}{detail}{punct('）')}" if text and detail else str(text or code)


def reason_shown(code: str, **params: Any) -> Markup:
    """Say a reason code on a page, its detail as stored (a keyword, a file) marked as data."""
    text = reason_text(code, **params)
    detail = code.partition(":")[2]
    tail = f"{punct('（')}{detail}{punct('）')}"
    if detail and text.endswith(tail):
        return escape(text[: -len(tail)]) + escape(punct("（")) + data(detail) + escape(punct("）"))
    return escape(text)


def edit_boxes(reasons: list[str]) -> list[dict[str, Any]]:
    """Return the boxes of possible edits as CSS percentages, with the reason's words."""
    boxes = []
    for code in reasons:
        head, _sep, detail = code.partition(":")
        box = detail.partition("@")[2].split(",")
        if head == "possible_edit" and len(box) == 4 and all(v.isdigit() for v in box):
            x, y, w, h = (int(v) / 10 for v in box)  # per mille of the image's size
            boxes.append({"left": x, "top": y, "width": w, "height": h,
                          "text": reason_text(code)})
    return boxes


def copy_sources(reasons: list[str]) -> list[int]:
    """Return the ids of the items a screenshot copies or may copy, to show side by side."""
    return [int(code.partition(":")[2]) for code in reasons
            if code.partition(":")[0] in ("copied_from", "possible_copy_of")
            and code.partition(":")[2].isdigit()]


def _said_within(head: str, params: dict[str, Any]) -> str:
    """Say the `reason` code of a refusal: its own wording under `head:reason`, else the usual."""
    code, rest = params["reason"], {k: v for k, v in params.items() if k != "reason"}
    own = REASONS.get(f"{head}:{code}")
    return _filled(own, rest) if own is not None else reason_text(code, **rest)


def _filled(text: Any, params: dict[str, Any]) -> str | None:
    """Put the parameters into a message's `%(name)s` places (a message without any is kept)."""
    if text is None:
        return None
    text = str(text)
    return text % params if params and "%(" in text else text


def error_text(err: CodedError) -> str:
    """Say a service's refusal in the user's language: the one path from a code to a message."""
    return reason_text(err.code, **err.params)


def describe(entry: dict[str, Any]) -> str:
    """Say a coded entry (a ranking warning, a row error) given as a dict with a `code`."""
    params = {k: v for k, v in entry.items() if k != "code"}
    return reason_text(entry["code"], **params)


RATES = {"completeness", "survey_valid_rate", "confirmation_rate"}  # 0..1, shown as %


def component(value, key: str | None = None) -> str:
    """Show a ranking component: times in Shanghai, yes/no, rates in %, scores 2 decimals."""
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    if isinstance(value, str) and len(value) > 18 and value[4] == "-" and "T" in value:
        return local_time(datetime.fromisoformat(value))
    if isinstance(value, (int, float)) and key in RATES:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "—" if value is None else str(value)


def select_locale() -> str:
    """Use the language chosen in the session, else Chinese."""
    return session.get("lang") or request.accept_languages.best_match(["zh_CN"]) or "zh_CN"


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC time in Asia/Shanghai."""
    return value.astimezone(SHANGHAI).strftime(fmt) if value else ""


STATES = {cls.__name__: cls for cls in (
    states.Stage, states.Role, states.Task, states.Verdict, states.AppealStatus,
    states.ReviewKind, states.RankingStatus, states.RankingRound, states.CallOutcome,
    states.Lateness, states.SigningStatus, states.OfferStatus, states.WithdrawReason,
    states.NoticeKind, states.Audience)}


# words the templates say through _(…) at run time (task names, call outcomes): listed here so
# that `pybabel extract` keeps them in the catalogue
RUNTIME_WORDS = (_l("微信转发截图"), _l("农村淘宝APP下载截图"), _l("项目计划书"), _l("属实"),
                 _l("否认"), _l("号码错误"), _l("无人接听"), _l("拒绝回答"))


def said(obj: Any, field: str = "name") -> str:
    """Say a label from the campaign file in the reader's language (`<field>_en` beside it)."""
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
    english = get(f"{field}_en") if str(get_locale()) == "en" else None
    return english or get(field) or ""


def asked(question: Any) -> str:
    """Say a survey question (or its name) in the reader's language, its Chinese by default.

    A name that is no question (the detail of another code) is said as it is.
    """
    if isinstance(question, str):
        found = QUESTIONS.get(question) or _campaign_question(question)
        if found is None:
            return question
        question = found
    english = getattr(question, "en", "") if str(get_locale()) == "en" else ""
    return english or question.zh


def _campaign_question(name: str) -> Any:
    """Return the running campaign's extra survey question of that name, if any."""
    if not name or not has_app_context():
        return None
    from grader.campaign import current_campaign

    extra = current_campaign().round1.survey_questions
    return next((q for q in extra if q.name == name), None)


SYMBOL = re.compile(r"(?<![\w.])([A-Z][a-z]?\d*|[a-z]\d+|h|min|max)(?!\w)")


def formula(text: str) -> Markup:
    """Mark a formula's symbols (T, Q, Pq, R5, h) as variables: notation, in either language."""
    parts = SYMBOL.split(str(text))  # odd places hold the symbols
    return Markup("").join(Markup("<var>%s</var>") % p if i % 2 else escape(p)
                           for i, p in enumerate(parts))


DATA_OPEN, DATA_CLOSE = Markup('<span class="data">'), Markup("</span>")


def data(value: Any) -> Markup:
    """Mark a name or other data (shown as entered, in any language) for readers and checks."""
    return DATA_OPEN + escape("" if value is None else value) + DATA_CLOSE  # Markup kept as is


@lru_cache(maxsize=len(LANGUAGES))
def _wtforms_catalogue(locale: str) -> support.Translations:
    """Return WTForms' own messages in a language, read from disk once per process."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsWords:
    """WTForms' messages in the request's language (Flask-WTF reads its file every request)."""

    def ugettext(self, string: str) -> str:
        """Translate one of WTForms' messages."""
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        """Translate one of WTForms' messages with a count."""
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)

    gettext, ngettext = ugettext, ungettext  # whichever names Flask-WTF calls


WTFORMS_WORDS = _WTFormsWords()


def _lend_wtforms_words() -> None:
    """Give Flask-WTF the cached catalogue, where it looks for this request's."""
    request.wtforms_translations = WTFORMS_WORDS  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Install Babel and the template helpers."""
    Babel(app, locale_selector=select_locale)
    app.before_request(_lend_wtforms_words)
    app.jinja_env.install_gettext_callables(  # a template's _(): remembered for the request
        gettext=translated, newstyle=True,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n))
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["reason"] = reason_shown
    app.jinja_env.filters["edit_boxes"] = edit_boxes
    app.jinja_env.filters["copy_sources"] = copy_sources
    app.jinja_env.filters["describe"] = describe
    app.jinja_env.filters["component"] = component
    app.jinja_env.filters["audit_words"] = audit_words
    app.jinja_env.filters["audit_value"] = audit_value
    app.jinja_env.filters["audit_reason"] = audit_reason
    app.jinja_env.filters["data"] = data
    app.jinja_env.filters["said"] = said
    app.jinja_env.filters["asked"] = asked
    app.jinja_env.filters["formula"] = formula
    # read at render time: Jinja folds a filter of a constant ('（'|punct) when it compiles a
    # template, which would fix the first reader's language for every later one
    app.jinja_env.filters["punct"] = pass_context(lambda _context, mark: punct(mark))
    app.jinja_env.globals.update(STATES)  # templates compare against Stage.ROUND1, never 'round1'
    app.jinja_env.globals.update(get_locale=get_locale, COMPONENT_NAMES=COMPONENTS,
                                 STAGE_NAMES=STAGES, CHANNEL_NAMES=CHANNELS, ROLE_NAMES=ROLES,
                                 COLUMN_NAMES=COLUMNS, EDUCATION_NAMES=EDUCATION, DECLARATION_NAMES=DECLARATIONS,
                                 AUDIT_ACTIONS=ACTIONS, AUDIT_ENTITIES=ENTITIES,
                                 AUDIT_FIELDS=FIELDS, WITHDRAW_NAMES=WITHDRAW_REASONS,
                                 OFFER_NAMES=OFFER_STATUSES, NOTICE_NAMES=NOTICE_KINDS,
                                 AUDIENCE_NAMES=AUDIENCES, STEP_NAMES=STEPS)
