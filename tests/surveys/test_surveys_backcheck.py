import csv
from pathlib import Path

import pytest

from surveys import BackcheckSpec, OkRange, SheetError, compare, read_records, report

BCSTATS = Path(__file__).resolve().parents[2].parent / "shared" / "peers" / "bcstats"
pytestmark = pytest.mark.skipif(not BCSTATS.exists(), reason=f"{BCSTATS} is missing")

# Value labels of the toy data (NOTES.md, ipa_cscript1_value_labels.txt).
ENUM = {"1": "dean", "2": "annie", "3": "mark", "4": "ife", "5": "brooke", "6": "lisa",
        "7": "hana", "8": "mateo", "9": "rohit"}
BCER = {"1": "rebecca", "2": "wendy"}
GENDER = {"1": "male", "2": "female"}
SPEC = BackcheckSpec(id="id", enumerator="enum", enumteam="enumteam", backchecker="bcer",
                     type1=("gender",), type2=("gameresult",), type3=("itemssold",))


def load(script):
    return (read_records(BCSTATS / f"ipa_cscript{script}_bcstats_survey.csv"),
            read_records(BCSTATS / f"ipa_cscript{script}_bcstats_bc.csv"))


def run(script=1, spec=SPEC, survey=None, bc=None):
    loaded = load(script)
    return report(compare(survey or loaded[0], bc or loaded[1], spec), spec)


def shown(value, variable):
    """Render a value the way Stata wrote bc_base.csv: labels, '.' for missing."""
    if value is None:
        return "."
    return GENDER.get(value, value) if variable == "gender" else value


def expected_table(name):
    with (BCSTATS / f"bcstatsR_{name}_base.tsv").open() as handle:
        lines = [line.rstrip("\n").split("\t") for line in handle][1:]
    # enumteam files carry a leading empty cell
    return [[cell for cell in line if cell != ""] for line in lines]


def our_table(out, kind, key):
    return [[ENUM.get(r["group"], r["group"]) if key == "enumerator" else r["group"],
             f"{r['error_rate']:.4f}", str(r["differences"]), str(r["total"])]
            for r in out["error_rates"][key][str(kind)]]


def test_differences_match_bcstats_rows_exactly():
    with (BCSTATS / "bcstatsR_bc_base.csv").open() as handle:
        expected = [tuple(row) for row in csv.reader(handle)][1:]
    assert len(expected) == 26
    got = [(d["id"], ENUM[d["enumerator"]], _team(d["id"]), BCER[d["backchecker"]],
            f"type {d['type']}", d["variable"], shown(d["survey"], d["variable"]),
            shown(d["back_check"], d["variable"])) for d in run()["differences"]]
    assert got == expected


def _team(ident):
    survey, _ = load(1)
    return next(r["enumteam"] for r in survey if r["id"] == ident)


@pytest.mark.parametrize("kind", [1, 2])
def test_enumerator_rates_match_with_okrate_hiding(kind):
    ours = our_table(run(), kind, "enumerator")
    listed = [row for row in ours if float(row[1]) > 0.1]  # Stata's display, okrate 0.1
    assert listed == expected_table(f"enum{kind}")
    hidden = [row for row in ours if float(row[1]) <= 0.1]
    assert hidden and all(row[1] == "0.0000" and row[2] == "0" for row in hidden)
    assert {row[0] for row in ours} == set(ENUM.values())  # every group is listed
    if kind == 1:
        assert sorted(row[0] for row in hidden) == ["ife", "mateo"]


@pytest.mark.parametrize("kind", [1, 2])
def test_enumteam_rates_match(kind):
    assert our_table(run(), kind, "enumteam") == expected_table(f"enumteam{kind}")


def test_backchecker_rates_match_the_recount():
    # Stata's own run returned an empty matrix here (bcstatsR_backchecker*_base.tsv hold '.');
    # NOTES.md recounts rebecca 1/4, wendy 7/10 (type 1) and rebecca 4/4, wendy 4/10 (type 2).
    assert [line[-1].strip() for line in expected_table("backchecker1")] == ["."]
    out = run()
    tables = {kind: [(BCER[r["group"]], r["differences"], r["total"])
                     for r in out["error_rates"]["backchecker"][str(kind)]] for kind in (1, 2)}
    assert tables == {1: [("wendy", 7, 10), ("rebecca", 1, 4)],
                      2: [("rebecca", 4, 4), ("wendy", 4, 10)]}


def test_variable_and_id_rates():
    out = run()
    assert {k: [(r["group"], r["differences"], r["total"]) for r in v]
            for k, v in out["error_rates"]["variable"].items()} == {
        "1": [("gender", 8, 14)], "2": [("gameresult", 8, 14)], "3": [("itemssold", 10, 14)]}
    ids = out["error_rates"]["id"]
    assert set(ids) == {"1", "2"}
    assert len(ids["1"]) == 14 and ids["1"][0]["error_rate"] == 1.0
    assert [r["group"] for r in ids["1"] if r["differences"]] == [
        "2", "5", "6", "7", "9", "11", "12", "14"]  # rate desc, total desc, then id as numbers


def test_string_gender_reproduces_the_numeric_run():
    numeric = [(d["id"], d["variable"], shown(d["survey"], d["variable"]),
                shown(d["back_check"], d["variable"])) for d in run(1)["differences"]]
    strings = [(d["id"], d["variable"], shown(d["survey"], d["variable"]),
                shown(d["back_check"], d["variable"])) for d in run(2)["differences"]]
    assert strings == numeric


def _messy_bc():
    """The cscript 2 back-check data with case, symbols and blanks added to gender."""
    _, bc = load(2)
    styles = {"female": ["FEMALE", " Female. ", "fe-male", "female!!"], "male": ["  MALE"]}
    messy = []
    for i, row in enumerate(bc):
        row = dict(row)
        if row["gender"]:
            options = styles[row["gender"]]
            row["gender"] = options[i % len(options)]
        messy.append(row)
    return messy


def test_lower_nosymbol_trim_clean_strings():
    base = run(2)["differences"]
    messy = _messy_bc()
    untidy = run(2, bc=messy)["differences"]
    assert len(untidy) > len(base)
    spec = BackcheckSpec(**{**SPEC.__dict__, "lower": True, "nosymbol": True, "trim": True})
    tidy = run(2, spec, bc=messy)["differences"]
    # nosymbol turns the hyphen of "fe-male" into a blank, as bcstats does: still a difference
    hyphened = {r["id"] for r in messy if r["gender"] == "fe-male"}
    extra = [d for d in tidy if d not in base]
    assert {d["id"] for d in extra} == hyphened and {d["back_check"] for d in extra} == {"fe male"}
    without_hyphen = [dict(r, gender=r["gender"].replace("fe-male", "Female")) for r in messy]
    tidy = run(2, spec, bc=without_hyphen)["differences"]
    assert [(d["id"], d["variable"], d["back_check"]) for d in tidy] == [
        (d["id"], d["variable"], d["back_check"]) for d in base]


def test_upper_and_trim():
    _, bc = load(2)
    survey, _ = load(2)
    shouting = [dict(r, gender=f"  {r['gender'].upper()}  ") if r["gender"] else r for r in bc]
    spec = BackcheckSpec(**{**SPEC.__dict__, "upper": True, "trim": True})
    out = run(2, spec, survey=survey, bc=shouting)
    genders = {d["back_check"] for d in out["differences"] if d["variable"] == "gender"}
    assert genders <= {None, "MALE"}
    assert len(out["differences"]) == 26


def test_help_file_example_okrange_and_exclude():
    spec = BackcheckSpec(**{**SPEC.__dict__,
                            "okrange": (OkRange.parse("gameresult [-1, 1]"),
                                        OkRange.parse("itemssold=[-5%,5%]")),
                            "exclude": (".", "")})
    out = run(1, spec)
    rates = {k: [(r["group"], r["differences"], r["total"]) for r in v]
             for k, v in out["error_rates"]["variable"].items()}
    # bc missing is excluded; 11 vs 14 is outside [-1, 1]; 7->10, 3->5, 3->6 outside 5%
    assert rates == {"1": [("gender", 1, 7)], "2": [("gameresult", 1, 7)],
                     "3": [("itemssold", 3, 7)]}
    ttest = out["tests"]["ttest"][1]
    assert ttest["variable"] == "itemssold" and ttest["n"] == 7
    assert ttest["t"] == pytest.approx(-2.0655911, abs=1e-6)
    assert ttest["p"] == pytest.approx(0.0844008, abs=1e-6)
    sign = out["tests"]["signrank"][0]
    # d = 0 (six times), -3: zeros ranked 1..6 (3.5 each), -3 gets 7; E = (28 - 21) / 2
    assert (sign["n_pos"], sign["n_neg"], sign["n_tie"]) == (0, 1, 6)
    assert (sign["sum_pos"], sign["sum_neg"], sign["expected"]) == (0, 7, 3.5)
    assert sign["variance"] == pytest.approx(35 - 6 * 7 * 13 / 24)
    assert sign["z"] == pytest.approx(-1.0) and sign["p"] == pytest.approx(0.3173105, abs=1e-6)


def records(rows, header=("id", "enum", "v")):
    return [dict(zip(header, row, strict=True)) for row in rows]


def compare_one(survey, bc, **options):
    spec = BackcheckSpec(id="id", enumerator="enum", type2=("v",), **options)
    return [c.diff for c in compare(records(survey), records(bc), spec)]


def test_okrange_is_an_open_interval():
    survey = [("1", "a", "10"), ("2", "a", "10"), ("3", "a", "10"), ("4", "a", "100"),
              ("5", "a", "100"), ("6", "a", "")]
    bc = [("1", "a", "11"), ("2", "a", "10.5"), ("3", "a", "9"), ("4", "a", "105"),
          ("5", "a", "104.9"), ("6", "a", "10")]
    absolute = (OkRange.parse("v=[-1,1]"),)
    assert compare_one(survey, bc, okrange=absolute) == [True, False, True, True, True, True]
    relative = (OkRange.parse("v=[-5%,5%]"),)
    assert compare_one(survey, bc, okrange=relative)[3:5] == [True, False]


def test_missing_against_value_differs_two_missing_do_not():
    survey = [("1", "a", ""), ("2", "a", "."), ("3", "a", "4")]
    bc = [("1", "a", ""), ("2", "a", "3"), ("3", "a", "4.0")]
    assert compare_one(survey, bc) == [False, True, False]


def test_exclude_and_nodiff():
    survey = [("1", "a", "4"), ("2", "a", "4"), ("3", "a", "4")]
    bc = [("1", "a", "-99"), ("2", "a", "99"), ("3", "a", "5")]
    assert compare_one(survey, bc, exclude=("-99",), nodiff=("99",)) == [False, True]
    text = [("1", "a", "yes"), ("2", "a", "no")]
    assert compare_one(text, [("1", "a", "n/a"), ("2", "a", "yes")], exclude=("n/a",)) == [True]


def test_order_is_variable_then_enumerator_then_id():
    header = ("id", "enum", "x", "y")
    survey = records([("10", "2", "1", "1"), ("9", "1", "1", "1"), ("2", "2", "1", "1")], header)
    bc = records([("10", "", "0", "0"), ("9", "", "0", "0"), ("2", "", "0", "0")], header)
    spec = BackcheckSpec(id="id", enumerator="enum", type1=("y",), type2=("x",))
    assert [(c.variable, c.id) for c in compare(survey, bc, spec)] == [
        ("y", "9"), ("y", "2"), ("y", "10"), ("x", "9"), ("x", "2"), ("x", "10")]


def test_bad_options_and_data():
    survey, bc = load(1)
    with pytest.raises(SheetError, match="mutually exclusive"):
        compare(survey, bc, BackcheckSpec(id="id", type1=("gender",), lower=True, upper=True))
    with pytest.raises(SheetError, match="at least one"):
        compare(survey, bc, BackcheckSpec(id="id"))
    with pytest.raises(SheetError, match="more than one option"):
        compare(survey, bc, BackcheckSpec(id="id", type1=("gender",), type2=("gender",)))
    with pytest.raises(SheetError, match="missing columns nope"):
        compare(survey, bc, BackcheckSpec(id="id", type1=("nope",)))
    with pytest.raises(SheetError, match="not unique"):
        compare(survey + survey[:1], bc, BackcheckSpec(id="id", type1=("gender",)))
    with pytest.raises(SheetError, match="no shared ids"):
        compare(survey[14:], bc, BackcheckSpec(id="id", type1=("gender",)))
    strings, bc2 = load(2)
    with pytest.raises(SheetError, match="not numeric"):
        compare(strings, bc2, BackcheckSpec(id="id", type1=("gender",),
                                            okrange=(OkRange.parse("gender=[-1,1]"),)))
    with pytest.raises(SheetError, match="not a compared variable"):
        compare(survey, bc, BackcheckSpec(id="id", type1=("gender",),
                                          okrange=(OkRange.parse("age=[-1,1]"),)))


@pytest.mark.parametrize("text", ["v=[1,2]", "v=[-1%,1]", "v=[2,-2]", "v=(-1,1)", "v=[a,1]"])
def test_bad_okrange(text):
    with pytest.raises(SheetError, match="okrange"):
        OkRange.parse(text)
