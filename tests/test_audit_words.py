"""Audit rows and change history in words: no `register`, `None`, `eligible` on the page."""

from flask_babel import force_locale

from grader.audit_words import ACTIONS, FIELDS, audit_reason, audit_value, audit_words


def test_rows_are_said_in_chinese(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert audit_words("register", ACTIONS) == "报名"
        assert audit_words("import_online_exam", ACTIONS) == "导入线上考试成绩"
        assert audit_words("eligible", FIELDS) == "资格"
        assert audit_value(None, "eligible") == "—"
        assert audit_value(False, "eligible") == "未通过"
        assert audit_value("round1", "stage") == "任务考核第一轮"
        assert audit_value("bachelor", "education") == "本科"  # a corrected education, in words
        assert audit_reason("declaration_missing:training") == "未作出承诺：愿意接受阿里巴巴的培训和管理"
        assert audit_reason("ip 127.0.0.1") == "IP地址 127.0.0.1"
        assert audit_reason("家里有事，放宽") == "家里有事，放宽"  # typed by staff: shown as typed


def test_rows_are_said_in_english(app):
    with app.test_request_context(), force_locale("en"):
        assert audit_words("register", ACTIONS) == "Registration"
        assert audit_value(True, "eligible") == "Passed"
        assert "：" not in audit_reason("declaration_missing:training")
