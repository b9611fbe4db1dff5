"""Chinese explanations name tasks and metrics in Chinese, never by their keys."""

from scoring_factories import r1_candidate, r1_facts, r2_candidate, r2_facts, row

from scoring import rank_facts


def test_round1_and_round2_notes_in_chinese_use_chinese_names():
    r1 = row(rank_facts(r1_facts(r1_candidate("A", accepted={"app_download": 90}))), "A")
    zh1 = " ".join(n["zh"] for n in r1["explain"])
    assert "APP下载截图 90/100" in zh1 and "微信转发截图 100/100" in zh1
    assert "app_download" not in zh1 and "wechat_share" not in zh1
    assert "app_download 90/100" in " ".join(n["en"] for n in r1["explain"])
    r2 = row(rank_facts(r2_facts(r2_candidate("B", metrics={"orders": 3}))), "B")
    zh2 = " ".join(n["zh"] for n in r2["explain"])
    assert "订单数 3" in zh2 and "sales_yuan" not in zh2
