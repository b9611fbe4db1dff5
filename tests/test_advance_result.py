"""After an advancement is confirmed, its page shows who moved on, not a new preview."""

import re

from grader.services import exams
from helpers import client_as


def result_of(page: str, reg_no: str) -> str:
    row = re.search(rf"<td>{reg_no}</td>.*?</tr>", page, re.S)
    assert row, f"{reg_no} is not listed"
    return "未晋级" if "未晋级" in row.group(0) else "晋级"


def test_the_confirmed_result_replaces_the_preview(app, session, set_campaign, make_township,
                                                   make_candidate, make_user):
    campaign = set_campaign(online_exam={"advance": 2})
    town = make_township()
    make_user("county", "county_staff")
    people = [make_candidate(town, name=f"考生{i}") for i in range(4)]
    for person, score in zip(people, (90, 80, 70, 60), strict=True):
        person.online_exam_score = score
    session.commit()
    assert exams.apply_advance(session, exams.plan_advance(session, campaign, "online_exam"),
                               None) == 2
    session.commit()
    page = client_as(app, "county").get("/exams/online_exam/advance").text
    assert "已确认" in page and "确认晋级（写入审计日志）" not in page
    assert [result_of(page, c.reg_no) for c in people] == ["晋级", "晋级", "未晋级", "未晋级"]
    plan, done = exams.advance_page(session, campaign, "online_exam")
    assert done and [c.id for c in plan.advancing] == [people[0].id, people[1].id]
    assert [c.id for c in plan.ranked] == [c.id for c in people]
