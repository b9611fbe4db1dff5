"""The checking commands keep DESIGN.md's contract: JSON shapes and exit codes."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.services.tables import write_csv

BCSTATS = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "bcstats"
HEADER = ["报名编号", "户主姓名", "联系电话", "村组", "家庭人口", "是否网购", "调研日期"]


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def sheet(tmp_path):
    rows = [["C1", "甲", "13800138000", "一组", 3, "是", "2016-05-26"],
            ["C1", "乙", "13800138000", "一组", 4, "否", "2016-05-26"],
            ["C2", "丙", "13800138000", "二组", 2, "是", "2016-05-26"],
            ["C2", "丁", "12345", "二组", 2, "是", "2016-05-26"]]
    rows += [["C3", f"户{i}", f"1390000{i:04d}", "三组", 3, "是", "2016-05-26"] for i in range(9)]
    path = tmp_path / "surveys.csv"
    path.write_bytes(write_csv(HEADER, rows))
    return path


def test_surveys_check_prints_one_line_per_row(sheet):
    res = invoke("surveys", "check", str(sheet), "--json")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert {k for k in rows[0]} >= {"row", "candidate", "phone_e164", "valid", "flags"}
    assert rows[0]["flags"] == ["duplicate_phone_other_candidate"]
    assert "duplicate_phone_same_candidate" in rows[1]["flags"]
    assert rows[3]["flags"] == ["invalid_phone"] and rows[3]["phone_e164"] is None
    assert rows[4]["valid"] is True and rows[4]["row"] == 6


def test_spot_check_sample_is_reproducible(sheet):
    first = invoke("spot-check", "sample", str(sheet), "--per-candidate", "5", "--seed", "9",
                   "--json")
    again = invoke("spot-check", "sample", str(sheet), "--per-candidate", "5", "--seed", "9",
                   "--json")
    other = invoke("spot-check", "sample", str(sheet), "--per-candidate", "5", "--seed", "10",
                   "--json")
    assert first.exit_code == 0 and first.output == again.output != other.output
    picks = [json.loads(line) for line in first.output.splitlines()]
    assert sum(p["candidate"] == "C3" for p in picks) == 5


def test_backcheck_compare_reproduces_bcstats_team_rates():
    if not BCSTATS.exists():
        pytest.skip("shared/peers/bcstats not present")
    res = invoke("backcheck", "compare", str(BCSTATS / "ipa_cscript1_bcstats_survey.csv"),
                 str(BCSTATS / "ipa_cscript1_bcstats_bc.csv"), "--id", "id", "--enumerator",
                 "enum", "--enumteam", "enumteam", "--backchecker", "bcer", "--type1", "gender",
                 "--type2", "gameresult", "--type3", "itemssold", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert len(out["differences"]) == 26
    teams = {r["group"]: (r["differences"], r["total"]) for r in out["error_rates"]["enumteam"]["1"]}
    assert teams == {"1": (4, 5), "3": (2, 4), "2": (2, 5)}


def test_bad_input_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert invoke("surveys", "check", str(empty), "--json").exit_code == 2
    assert invoke("surveys", "check", str(tmp_path / "missing.csv")).exit_code == 2
    bad = tmp_path / "facts.json"
    bad.write_text('{"round": 1, "candidates": [{"id": 5}]}')
    res = invoke("score", "--facts", str(bad), "--json")
    assert res.exit_code == 2 and "bad facts" in res.output


def test_score_prints_the_ranking(tmp_path):
    facts = {"round": "interview", "advance": 1, "candidates": [
        {"id": "A", "registered_at": "2016-05-04T09:00:00+08:00",
         "interview_scores": [{"interviewer": "I1", "score": 70}], "accepts_reassignment": True},
        {"id": "B", "registered_at": "2016-05-05T09:00:00+08:00",
         "interview_scores": [{"interviewer": "I1", "score": 90}], "accepts_reassignment": False}]}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(facts))
    out = json.loads(invoke("score", "--facts", str(path), "--json").output)
    assert [(r["id"], r["rank"], r["advance"]) for r in out["ranking"]] == [
        ("B", 1, True), ("A", 2, False)]


def test_check_screenshot_refuses_non_images_as_a_verdict(tmp_path):
    note = tmp_path / "note.png"
    note.write_bytes(b"not an image at all")
    res = invoke("check-screenshot", "--task", "wechat_share", "--now", "2016-05-27T10:00:00+08:00",
                 str(note), "--json")
    assert res.exit_code == 0
    row = json.loads(res.output)
    assert (row["verdict"], row["reasons"]) == ("reject", ["not_an_image"])
    assert set(row) >= {"file", "task", "verdict", "reasons", "keywords", "timestamp",
                        "nickname", "sha256", "phash"}
    bad_time = invoke("check-screenshot", "--task", "wechat_share", "--now", "yesterday",
                      str(note))
    assert bad_time.exit_code == 2
