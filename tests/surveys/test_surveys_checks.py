from datetime import date, datetime, timedelta

from surveys import CheckConfig, all_questions, check_rows, parse_record

QUESTIONS = all_questions()


def form(row, candidate="C1", phone="13800138000", **values):
    raw = {"candidate": candidate, "name": "张三", "phone": phone, "village": "王庄村",
           "household_size": "4", "shops_online": "是", "surveyed_at": "2016-05-26"}
    raw.update(values)
    return parse_record(row, raw, QUESTIONS)


def flags(rows, config=None):
    return {r.row: list(r.flags) for r in check_rows(rows, config)}


def hints(rows, config=None):
    return {r.row: list(r.hints) for r in check_rows(rows, config)}


def test_a_clean_form_is_valid():
    (result,) = check_rows([form(2)])
    assert result.valid and result.flags == () and result.hints == ()
    assert result.phone_e164 == "+8613800138000"
    assert result.to_dict() == {"row": 2, "candidate": "C1", "phone_e164": "+8613800138000",
                                "valid": True, "flags": [], "hints": []}


def test_invalid_phone():
    (result,) = check_rows([form(2, phone="1380013800")])
    assert result.flags == ("invalid_phone",) and not result.valid
    assert result.phone_e164 is None


def test_landline_with_area_code_is_valid():
    (result,) = check_rows([form(2, phone="0371-61234567")])
    assert result.valid and result.phone_e164 == "+8637161234567"


def test_missing_fields():
    rows = [form(2, name="", village=None), form(3, phone="")]
    assert flags(rows) == {2: ["missing_field:name", "missing_field:village"],
                           3: ["missing_field:phone"]}


def test_unparsable_answers_are_flagged():
    assert flags([form(2, household_size="很多")]) == {2: ["invalid_field:household_size"]}


def test_rows_built_by_hand_are_checked_too():
    from surveys import SurveyRow
    row = SurveyRow(5, {"candidate": "C1", "name": "张三", "phone": "12345", "village": None,
                        "household_size": 4, "shops_online": True,
                        "surveyed_at": date(2016, 5, 26)})
    assert flags([row]) == {5: ["missing_field:village", "invalid_phone"]}


def test_duplicate_phone_same_candidate_flags_later_rows_only():
    rows = [form(2), form(3, phone="138 0013 8000"), form(4, phone="+8613800138000"),
            form(5, phone="13900139000")]
    assert flags(rows) == {2: [], 3: ["duplicate_phone_same_candidate"],
                           4: ["duplicate_phone_same_candidate"], 5: []}


def test_duplicate_phone_other_candidate_flags_every_row():
    rows = [form(2, "C1"), form(3, "C2"), form(4, "C2"), form(5, "C3", phone="13900139000")]
    assert flags(rows) == {
        2: ["duplicate_phone_other_candidate"],
        3: ["duplicate_phone_other_candidate"],
        4: ["duplicate_phone_same_candidate", "duplicate_phone_other_candidate"],
        5: [],
    }


def test_too_fast_marks_every_form_in_the_crowded_span():
    start = datetime(2016, 5, 26, 9, 0)
    stamps = [start + timedelta(minutes=4 * i) for i in range(7)]  # 7 forms in 24 minutes
    stamps.append(start + timedelta(hours=3))
    rows = [form(i + 2, phone=f"1390013{i:04d}", surveyed_at=s.strftime("%Y-%m-%d %H:%M"))
            for i, s in enumerate(stamps)]
    got = hints(rows)
    assert [row for row, h in got.items() if h == ["too_fast"]] == list(range(2, 9))
    assert got[9] == []
    assert all(r.valid for r in check_rows(rows))  # a hint does not invalidate
    relaxed = CheckConfig(fast_max_forms=7)
    assert all(h == [] for h in hints(rows, relaxed).values())


def test_too_fast_counts_each_candidate_apart():
    moment = "2016-05-26 09:00"
    rows = [form(i + 2, f"C{i}", phone=f"1390013{i:04d}", surveyed_at=moment) for i in range(8)]
    assert all(h == [] for h in hints(rows).values())


def test_too_many_forms_in_one_day():
    rows = [form(i + 2, phone=f"1390013{i:04d}") for i in range(4)]
    config = CheckConfig(max_forms_per_day=3)
    assert all(h == ["too_fast"] for h in hints(rows, config).values())
    assert all(h == [] for h in hints(rows).values())


def test_implausible_answers():
    rows = [form(2, household_size="0"), form(3, phone="13900139000", household_size="21"),
            form(4, phone="4001234567"), form(5, phone="13700137000", surveyed_at="2016-06-20")]
    period = CheckConfig(period=(date(2016, 5, 25), date(2016, 5, 30)))
    assert hints(rows, period) == {2: ["implausible:household_size"],
                                   3: ["implausible:household_size"],
                                   4: ["implausible:phone"], 5: ["implausible:surveyed_at"]}
    assert all(r.valid for r in check_rows(rows, period))


def test_extra_question_bounds_and_requirements():
    extra = ({"name": "plots", "zh": "耕地块数", "kind": "int", "low": 0, "high": 50},)
    questions = all_questions(extra)
    row = parse_record(2, {"candidate": "C1", "name": "张三", "phone": "13800138000",
                           "village": "王庄村", "household_size": "4", "shops_online": "否",
                           "surveyed_at": "2016-05-26", "plots": "80"}, questions)
    missing = parse_record(3, {"candidate": "C1", "name": "李四", "phone": "13900139000",
                               "village": "王庄村", "household_size": "4", "shops_online": "否",
                               "surveyed_at": "2016-05-26"}, questions)
    config = CheckConfig(extra_questions=extra)
    results = check_rows([row, missing], config)
    assert results[0].hints == ("implausible:plots",) and results[0].valid
    assert results[1].flags == ("missing_field:plots",)
