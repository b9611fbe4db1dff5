import json
from pathlib import Path

import pytest

from surveys import SheetError
from surveys.cli import check_file, compare_files, names, sample_file

BCSTATS = Path(__file__).resolve().parents[2].parent / "shared" / "peers" / "bcstats"
HEADER = "报名编号,户主姓名,联系电话,村组,家庭人口,是否网购,调研日期"


@pytest.fixture
def sheet(tmp_path):
    lines = [HEADER]
    for c in range(3):
        for i in range(7):
            lines.append(f"C{c},户主{i},1390013{c}{i:03d},王庄村,4,是,2016-05-2{i % 5 + 5}")
    lines.append("C0,重复,13900130000,王庄村,4,是,2016-05-26")
    lines.append("C1,别人,13900130001,王庄村,4,是,2016-05-26")
    lines.append("C2,坏号,123,王庄村,4,是,2016-05-26")
    path = tmp_path / "surveys.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_check_file(sheet):
    rows = check_file(sheet)
    assert len(rows) == 24
    assert set(rows[0]) >= {"row", "candidate", "phone_e164", "valid", "flags"}
    by_row = {r["row"]: r for r in rows}
    assert by_row[2] == {"row": 2, "candidate": "C0", "phone_e164": "+8613900130000",
                         "valid": True, "flags": [], "hints": []}
    assert by_row[3]["flags"] == ["duplicate_phone_other_candidate"]
    assert by_row[23]["flags"] == ["duplicate_phone_same_candidate"]
    assert by_row[24]["flags"] == ["duplicate_phone_other_candidate"]
    assert by_row[25]["flags"] == ["invalid_phone"]
    json.dumps(rows)


def test_sample_file(sheet):
    sample = sample_file(sheet, per_candidate=5, seed=2016)
    assert [s["candidate"] for s in sample] == ["C0"] * 5 + ["C1"] * 5 + ["C2"] * 5
    assert sample == sample_file(sheet, per_candidate=5, seed=2016)
    assert set(sample[0]) == {"candidate", "row", "phone_e164", "draw", "name", "village"}
    json.dumps(sample, ensure_ascii=False)
    with pytest.raises(SheetError, match="per-candidate"):
        sample_file(sheet, per_candidate=0, seed=1)


@pytest.mark.skipif(not BCSTATS.exists(), reason=f"{BCSTATS} is missing")
def test_compare_files():
    out = compare_files(BCSTATS / "ipa_cscript1_bcstats_survey.csv",
                        BCSTATS / "ipa_cscript1_bcstats_bc.csv", id="id", enumerator="enum",
                        enumteam="enumteam", backchecker="bcer", type1="gender",
                        type2=["gameresult"], type3=("itemssold",),
                        okrange=("gameresult=[-1,1]", "itemssold=[-5%,5%]"), exclude=(".", ""))
    assert set(out) == {"differences", "error_rates", "tests"}
    assert set(out["error_rates"]) == {"enumerator", "enumteam", "backchecker", "variable", "id"}
    assert set(out["differences"][0]) == {"id", "enumerator", "backchecker", "type", "variable",
                                          "survey", "back_check"}
    assert len(out["differences"]) == 5
    json.dumps(out)
    plain = compare_files(BCSTATS / "ipa_cscript1_bcstats_survey.csv",
                          BCSTATS / "ipa_cscript1_bcstats_bc.csv", id="id", enumerator="enum",
                          type1="gender,gameresult")
    assert plain["error_rates"]["enumteam"] == {} and plain["error_rates"]["backchecker"] == {}
    assert plain["tests"] == {"ttest": [], "signrank": []}


def test_compare_files_errors(tmp_path):
    with pytest.raises(SheetError, match="cannot read"):
        compare_files(tmp_path / "a.csv", tmp_path / "b.csv", id="id", type1="x")
    (tmp_path / "a.csv").write_text("id,x\n1,2\n")
    with pytest.raises(SheetError, match="okrange"):
        compare_files(tmp_path / "a.csv", tmp_path / "a.csv", id="id", type1="x",
                      okrange=["x=[1,2]"])


def test_names():
    assert names("a, b,,c") == ("a", "b", "c")
    assert names(["a,b", "c"]) == ("a", "b", "c")
    assert names(None) == ()
