"""One language per page (issue 14, items 11-13): the catalogue, words said from codes, exports."""

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale
from openpyxl import load_workbook

from grader.i18n import asked, reason_text
from grader.models import Ranking
from surveys.schema import BASE_QUESTIONS

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011]")
METHODS = [("grader/**.py", "python"), ("templates/**.html", "jinja2")]


def test_every_string_of_the_code_and_templates_has_english():
    with (ROOT / "grader/translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalogue = read_po(po)
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    missing = []
    for name, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=keywords):
        found = catalogue.get(message)
        if not (found and found.string and not found.fuzzy):
            missing.append(f"{name}: {message}")
    assert not missing, "\n".join(missing)


def test_punctuation_follows_each_reader_not_the_first(app):
    # Jinja folds a filter of a constant when it compiles: the first reader's '（' stuck
    template = app.jinja_env.from_string("{{ '（'|punct }}3{{ '）'|punct }}")
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert template.render() == "（3）"
        with force_locale("en"):
            assert template.render() == " (3)"


def test_advancement_rules_and_question_names_are_said_in_words(app):
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert reason_text("best:600") == "按成绩取前 600 名"
            assert reason_text("pass_score:60") == "成绩不低于 60 分"
            assert asked(BASE_QUESTIONS[4]) == "家庭人口"
        with force_locale("en"):
            assert reason_text("best:600") == "the best 600 by score"
            assert reason_text("pass_score:60") == "a score of at least 60"
            assert [asked(q) for q in BASE_QUESTIONS if HAN.search(asked(q))] == []
            assert not HAN.search(reason_text("implausible:surveyed_at"))


def _sheet(reply):
    assert reply.status_code == 200, reply.status_code
    name = unquote(reply.headers["Content-Disposition"].partition("''")[2])
    rows = list(load_workbook(io.BytesIO(reply.data)).active.iter_rows(values_only=True))
    return name, rows


@pytest.fixture
def county(session, client, auth, make_user, make_township, make_candidate):
    make_candidate(make_township("城关镇"))
    make_user("county-x", "county_staff")
    ranking = Ranking(round="interview", status="draft", policy={}, facts={}, warnings=[],
                      result={"advance": 1, "ranking": [
                          {"rank": 1, "id": "C0001", "score": 88.5, "advance": True,
                           "components": {"interview": 88.5, "interviewers": 2}}]})
    session.add(ranking)
    session.commit()
    auth.login("county-x")
    return client, ranking.id


EXPORTS = ["/candidates/export.xlsx", "/townships/stats.xlsx", "/rankings/{id}.xlsx",
           "/interview/support.xlsx", "/interview/support-partners.xlsx"]


@pytest.mark.parametrize("path", EXPORTS)
def test_export_headers_and_names_in_chinese(county, path):
    client, ranking_id = county
    client.get("/lang/zh_CN")
    name, rows = _sheet(client.get(path.format(id=ranking_id)))
    assert name.endswith(".xlsx") and HAN.search(name) and not re.search("[A-Za-z]", name[:-5])
    assert all(HAN.search(str(h)) for h in rows[0]), rows[0]


@pytest.mark.parametrize("path", EXPORTS)
def test_export_headers_and_names_in_english(county, path):
    client, ranking_id = county
    client.get("/lang/en")
    name, rows = _sheet(client.get(path.format(id=ranking_id)))
    assert not HAN.search(name), name
    assert not [h for h in rows[0] if HAN.search(str(h))], rows[0]
    assert not [c for row in rows[1:] for c in row[:3] if c == "合计"]


def test_the_ranking_export_is_named_for_its_round(county):
    client, ranking_id = county
    client.get("/lang/zh_CN")
    name, rows = _sheet(client.get(f"/rankings/{ranking_id}.xlsx"))
    assert name == f"面试排名_{ranking_id}.xlsx"
    assert rows[0] == ("名次", "报名编号", "得分", "是否晋级", "面试成绩", "面试官人数")
    assert rows[1][3] == "是"
    client.get("/lang/en")
    name, rows = _sheet(client.get(f"/rankings/{ranking_id}.xlsx"))
    assert "interview_" not in name and rows[1][3] == "Yes"


def test_a_campaign_file_question_is_said_in_both_languages(app, set_campaign):
    set_campaign(round1={"survey_questions": [
        {"name": "shop_count", "zh": "村里网店数", "en": "Online shops in the village",
         "kind": "int", "low": 0, "high": 50},
        {"name": "road", "zh": "是否通公路", "kind": "yesno"}]})
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert [asked("shop_count"), asked("road")] == ["村里网店数", "是否通公路"]
            assert reason_text("implausible:shop_count").endswith("（村里网店数）")
        with force_locale("en"):  # a label left without English keeps its Chinese
            assert [asked("shop_count"), asked("road")] == ["Online shops in the village",
                                                            "是否通公路"]
            assert reason_text("implausible:shop_count").endswith("(Online shops in the village)")


def test_a_sheet_headed_in_english_labels_is_read():
    from surveys.sheets import map_headers

    headers = ["Registration number", "Head of household", "Phone number", "household size",
               "Shops online", "Survey date", "村组"]
    assert sorted(map_headers(headers, BASE_QUESTIONS).values()) == sorted(
        q.name for q in BASE_QUESTIONS)


def test_a_call_list_exported_in_english_reads_back(session, campaign, client, auth, round1_pair,
                                                     make_user):
    from grader.models import SpotCheck
    from grader.services import calls
    from helpers import csrf_from
    from survey_helpers import fill, xlsx

    fill(session, campaign, round1_pair[0], 3, "04")
    calls.draw_sample(session, campaign, "x", 5)
    calls.assign(session, [make_user("county-c", "county_staff")])
    session.commit()
    auth.login("county-c")
    client.get("/lang/en")
    _name, rows = _sheet(client.get("/calls/list.xlsx"))
    assert not [h for h in rows[0] if HAN.search(str(h))], rows[0]
    answers = dict(zip(rows[0], rows[1], strict=True)) | {
        "Result": "属实", "Villager: household size": 4, "Villager: shops online": "是"}
    page = client.get("/surveys/")
    reply = client.post("/surveys/", data={"action": "import", "csrf_token": csrf_from(page),
                                           "file": (io.BytesIO(xlsx([list(answers),
                                                                     list(answers.values())])),
                                                    "calls.xlsx")}, follow_redirects=True)
    assert reply.status_code == 200
    call = session.get(SpotCheck, rows[1][0])
    assert call.outcome == "confirmed" and call.answers["household_size"] == "4"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_survey_template_is_in_the_readers_language_and_reads_back(client, lang):
    from surveys import import_sheet

    client.get(f"/lang/{lang}")
    reply = client.get("/surveys/template.xlsx")
    name, rows = _sheet(reply)
    book = load_workbook(io.BytesIO(reply.data))
    if lang == "en":  # the examples (张三, 城关镇王庄村一组) are data, in the help's last column
        help_rows = list(book.worksheets[1].iter_rows(values_only=True))
        words = [*rows[0], name, *book.sheetnames, *[c for r in help_rows for c in r[:4] if c]]
        assert not [w for w in words if HAN.search(str(w))], words
    else:
        assert all(HAN.search(str(h)) for h in rows[0])
    assert import_sheet(io.BytesIO(reply.data)).rows == []  # only the example row: skipped


def test_wtforms_own_messages_follow_the_request_language(app):
    from flask_babel import force_locale
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import InputRequired

    class Needs(FlaskForm):
        class Meta:
            csrf = False

        name = StringField(validators=[InputRequired()])

    said = {}
    for locale in ("zh_CN", "en", "zh_CN"):  # the catalogue is cached per language, not shared
        with app.test_request_context(method="POST", data={}), force_locale(locale):
            app.preprocess_request()
            form = Needs()
            assert not form.validate()
            said.setdefault(locale, set()).add(form.name.errors[0])
    assert said["en"] == {"This field is required."}
    assert said["zh_CN"] == {"该字段是必填字段。"}
