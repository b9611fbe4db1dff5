"""Plan similarity: TF-IDF character n-grams and shared passages."""

import random

import pytest

from scoring import Pair, Passage, shared_passages, similar_pairs

BASE = ("我计划在本村开设农村淘宝服务站,帮助村民网上代购家电和农资,同时把本地的土鸡蛋、"
        "高山茶叶和手工粉丝通过网店卖到城里。第一个月走访全村三百户,建立微信群,"
        "每周组织一次网购培训,三个月内月订单达到三百单。")
OTHER = ("本人长期从事物流配送工作,熟悉乡镇道路,打算依托快递网点做好最后一公里,"
         "重点服务留守老人和儿童,提供代缴话费、代收快递、旅游订票等便民服务。")


def test_near_copy_is_found_and_unrelated_plan_is_not():
    copy = BASE.replace("三百户", "二百户").replace("土鸡蛋", "土鸭蛋")
    pairs = similar_pairs({"P2": copy, "P1": BASE, "P3": OTHER})
    assert [(p.a, p.b) for p in pairs] == [("P1", "P2")]
    assert 0.8 < pairs[0].similarity <= 1.0


def test_identical_texts_have_similarity_one_and_pairs_are_sorted():
    pairs = similar_pairs({"C": BASE, "A": BASE, "B": OTHER, "D": OTHER}, threshold=0.99)
    assert [(p.a, p.b) for p in pairs] == [("A", "C"), ("B", "D")]
    assert [p.similarity for p in pairs] == pytest.approx([1.0, 1.0])
    assert all(isinstance(p, Pair) and p.similarity <= 1.0 for p in pairs)


def test_threshold_is_inclusive_and_adjustable():
    half = BASE[: len(BASE) // 2] + OTHER[len(OTHER) // 2:]
    sim = similar_pairs({"a": BASE, "b": half}, threshold=0.0)[0].similarity
    assert similar_pairs({"a": BASE, "b": half}, threshold=sim)
    assert not similar_pairs({"a": BASE, "b": half}, threshold=sim + 0.001)


def test_empty_short_and_single_texts_give_no_pairs():
    assert similar_pairs({}) == []
    assert similar_pairs({"a": BASE}) == []
    assert similar_pairs({"a": "", "b": " ", "c": "我"}) == []
    assert similar_pairs({"a": "  \n ", "b": "\t\t"}) == []


def test_many_plans_find_exactly_the_planted_copies():
    rng = random.Random(7)
    alphabet = BASE + OTHER
    plans = {f"P{i:03d}": "".join(rng.choice(alphabet) for _ in range(300)) for i in range(60)}
    plans["COPY1"] = plans["P001"][:280] + "完全不同的结尾"
    plans["COPY2"] = plans["P042"]
    pairs = similar_pairs(plans, threshold=0.8)
    assert {(p.a, p.b) for p in pairs} == {("COPY1", "P001"), ("COPY2", "P042")}


def test_shared_passages_are_the_long_common_runs_longest_first():
    a = "开头不同甲。" + BASE + "中间甲乙丙丁。" + OTHER[:20]
    b = "另一种开头。" + BASE + "中间不一样的话。" + OTHER[:20]
    passages = shared_passages(a, b, min_len=12)
    # "。" before BASE and "中间" after it are common too.
    assert passages[0] == Passage(a.index(BASE) - 1, b.index(BASE) - 1, len(BASE) + 3,
                                  "。" + BASE + "中间")
    assert passages[1].text == "。" + OTHER[:20]
    assert all(p.size >= 12 for p in passages)
    assert all(a[p.a_start:p.a_start + p.size] == b[p.b_start:p.b_start + p.size]
               for p in passages)


def test_shared_passages_ignore_short_matches():
    assert shared_passages("农村淘宝合伙人", "我是合伙人", min_len=4) == []
    assert shared_passages("农村淘宝合伙人", "我是合伙人", min_len=3)[0].text == "合伙人"


def test_latin_capitals_in_plans_raise_no_warning():
    # pytest turns warnings into errors: sklearn warned on "APP" in the vocabulary before.
    texts = {"a": "教村民下载农村淘宝APP，开通支付宝。" * 5, "b": "教村民下载农村淘宝APP，开通支付宝。" * 5}
    assert [(p.a, p.b) for p in similar_pairs(texts, threshold=0.6)] == [("a", "b")]
