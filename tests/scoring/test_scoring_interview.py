"""Interview: mean of interviewers' scores, reassignment shown beside it."""

from scoring_factories import iv_candidate, iv_facts, order, row

from scoring import rank_facts


def test_interview_score_is_the_mean_and_reassignment_is_shown():
    result = rank_facts(iv_facts(iv_candidate("A", [80, 85, 92], accepts=True),
                                 iv_candidate("B", [90, 70], accepts=False),
                                 iv_candidate("C", [])))
    # A: (80 + 85 + 92)/3 = 85.67; B: (90 + 70)/2 = 80; C: nobody scored → 0.
    assert [(r["id"], r["score"]) for r in result["ranking"]] == [
        ("A", 85.67), ("B", 80.0), ("C", 0.0)]
    assert row(result, "A")["components"] == {"interview": 85.67, "interviewers": 3,
                                              "accepts_reassignment": True}
    assert row(result, "B")["components"]["accepts_reassignment"] is False
    assert row(result, "C")["components"]["accepts_reassignment"] is None
    note = row(result, "B")["explain"][1]
    assert note["code"] == "reassignment" and "服从调剂" in note["zh"]
    assert "Accepts reassignment" in note["en"] and "服从调剂" not in note["en"]  # one language
    assert result["round"] == "interview"


def test_round_three_means_interview_and_the_best_160_sign():
    facts = iv_facts(*[iv_candidate(f"C{i:03d}", [i % 100]) for i in range(200)])
    facts["round"] = 3
    result = rank_facts(facts)
    assert result["round"] == "interview"
    assert sum(r["advance"] for r in result["ranking"]) == 160
    assert order(result)[:2] == ["C099", "C199"]  # both 99: same registration, id order
