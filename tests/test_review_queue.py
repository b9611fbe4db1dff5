"""The screenshot review queue: paging, filters, overturning; the candidate sees the decision."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpers import client_as as login
from helpers import csrf_from
from grader.models import AuditLog, EvidenceItem
from grader.services import evidence, review_queue

SUBMITTED = datetime(2016, 5, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def add_items(session):
    """Return a factory of machine-checked items of a candidate."""
    counter = iter(range(1_000_000))

    def factory(cand, n, status="accept", task="wechat_share", reasons=()):
        items = []
        for _i in range(n):
            k = next(counter)
            items.append(EvidenceItem(
                candidate_id=cand.id, task=task, filename=f"shot{k}.png",
                sha256=f"{cand.id:08d}{k:056d}", size=1, mime="image/png", storage_key="",
                status=status, machine_verdict=status, reasons=list(reasons), detail={},
                submitted_at=SUBMITTED + timedelta(seconds=k), attempts=1))
        session.add_all(items)
        session.commit()
        return items

    return factory


@pytest.fixture
def people(session, make_township, make_candidate, make_user):
    town = make_township("城关镇")
    zhang, li = make_candidate(town, name="张三"), make_candidate(town, name="李四")
    for cand in (zhang, li):
        cand.stage = "round1"
    make_user("county", "county_staff")
    make_user("rev", "reviewer")
    session.commit()
    return zhang, li


def item_ids(page) -> list[int]:
    return [int(i) for i in re.findall(r'id="item-(\d+)"', page.text)]


def test_queue_pages_and_filters_in_the_service(session, people, add_items):
    zhang, li = people
    mine = add_items(zhang, 35)
    add_items(li, 20)
    unclear = add_items(li, 2, status="review")
    assert [i.id for i in review_queue.review_queue(session, review_queue.QueueFilter()).items] == \
        [i.id for i in unclear]
    filt = review_queue.QueueFilter(status="accept", reg_no=zhang.reg_no)
    first, second = (review_queue.review_queue(session, filt, p) for p in (1, 2))
    assert (first.total, first.pages, second.page) == (35, 2, 2)
    assert [i.id for i in first.items + second.items] == [i.id for i in mine]
    assert review_queue.review_queue(session, filt, 99).page == 2  # past the end: the last page
    found = review_queue.review_queue(session, review_queue.QueueFilter(item_id=mine[33].id))
    assert [i.id for i in found.items] == [mine[33].id]  # whatever its status
    everything = review_queue.review_queue(session, review_queue.QueueFilter(status="all"))
    assert everything.total == 57
    none = review_queue.review_queue(session, review_queue.QueueFilter(status="accept",
                                                               task="app_download"))
    assert (none.total, none.items, none.pages) == (0, [], 1)


def test_staff_find_item_31_by_reg_no_and_overturn_it(app, session, people, add_items):
    zhang, li = people
    add_items(li, 10)
    mine = add_items(zhang, 35)
    target = mine[32]  # the 33rd of this candidate: beyond the first page
    staff = login(app, "county")
    default = staff.get("/evidence/review")
    assert "共 0 条" in default.text and item_ids(default) == []  # default: needing review
    accepted = staff.get("/evidence/review?status=accept")
    assert "共 45 条，第 1 / 2 页" in accepted.text and len(item_ids(accepted)) == 30
    assert "下一页" in accepted.text and "上一页" not in accepted.text
    filtered = staff.get(f"/evidence/review?status=accept&reg_no={zhang.reg_no}")
    assert "共 35 条" in filtered.text and target.id not in item_ids(filtered)
    nxt = re.search(r'href="([^"]+)" rel="next"', filtered.text).group(1).replace("&amp;", "&")
    assert f"reg_no={zhang.reg_no}" in nxt and "status=accept" in nxt and "page=2" in nxt
    page2 = staff.get(nxt)
    assert item_ids(page2) == [i.id for i in mine[30:]] and "上一页" in page2.text
    assert zhang.reg_no in page2.text
    res = staff.post(nxt, follow_redirects=True, data={
        "csrf_token": csrf_from(page2), "item_id": target.id, "verdict": "reject",
        "note": "同一位好友转发了两次"})
    assert res.status_code == 200 and f"已处理 #{target.id}" in res.text
    session.refresh(target)
    assert (target.status, target.machine_verdict, target.note) == \
        ("reject", "accept", "同一位好友转发了两次")
    row = session.scalars(select(AuditLog).where(AuditLog.action == "decide_evidence")).one()
    assert (row.entity, row.entity_id, row.field) == ("candidate", zhang.id, f"item:{target.id}")
    assert (row.before, row.after, row.reason) == ("accept", "reject", "同一位好友转发了两次")
    assert row.user_id == target.decided_by_id
    rejected = staff.get(f"/evidence/review?status=reject&reg_no={zhang.reg_no}")
    assert item_ids(rejected) == [target.id] and "人工复核" in rejected.text


def test_item_id_and_task_filters_on_the_page(app, session, people, add_items):
    zhang, _li = people
    shots = add_items(zhang, 3)
    downloads = add_items(zhang, 2, task="app_download", status="reject")
    reviewer = login(app, "rev")
    found = reviewer.get(f"/evidence/review?item=%23{shots[1].id}")
    assert item_ids(found) == [shots[1].id] and "共 1 条" in found.text
    by_task = reviewer.get("/evidence/review?status=all&task=app_download")
    assert item_ids(by_task) == [i.id for i in downloads]
    junk = reviewer.get("/evidence/review?status=nonsense&page=x&item=abc")
    assert junk.status_code == 200 and "共 0 条" in junk.text


def test_a_reviewer_cannot_find_a_blind_plan_by_reg_no(app, session, people, add_items):
    zhang, _li = people
    plan = add_items(zhang, 1, task="plan", status="review")[0]
    shot = add_items(zhang, 1, status="review")[0]
    reviewer = login(app, "rev")
    page = reviewer.get(f"/evidence/review?reg_no={zhang.reg_no}")
    assert item_ids(page) == [shot.id]
    plain = reviewer.get("/evidence/review?status=all&task=plan")
    assert plan.id not in item_ids(plain)  # plans are scored blind in their own queue
    assert reviewer.get(f"/evidence/file/{plan.id}").status_code == 403  # nor their files
    assert plan.id in item_ids(login(app, "county").get("/evidence/review"))


def test_the_queue_is_for_reviewers_and_county_staff_only(app, session, people, make_user):
    zhang, _li = people
    make_user("town", "township_staff", township=zhang.township)
    assert login(app, "town").get("/evidence/review").status_code == 403
    zhang.user.set_password("pw123456")
    session.commit()
    assert login(app, zhang.user.username, "pw123456").get("/evidence/review").status_code == 403


def test_the_candidate_sees_the_persons_decision_and_note(app, session, people, add_items,
                                                          make_user):
    zhang, _li = people
    overturned, kept, upheld = add_items(zhang, 3, reasons=("nickname_not_found",))
    machine = add_items(zhang, 1, status="reject", reasons=("missing_keyword:农村淘宝",))[0]
    county = make_user("county2", "county_staff")
    evidence.decide(session, overturned, county, "reject", "截图是别人的朋友圈")
    evidence.decide(session, upheld, county, "accept")
    session.commit()
    zhang.user.set_password("pw123456")
    session.commit()
    client = login(app, zhang.user.username, "pw123456")
    body = client.get("/me/evidence/wechat_share/status.json").get_json()
    by_id = {i["id"]: i for i in body["items"]}
    assert by_id[overturned.id]["decided"] == "人工复核：不通过"
    assert by_id[overturned.id]["note"] == "截图是别人的朋友圈"
    assert by_id[overturned.id]["reasons"] == []  # not the machine's
    assert by_id[upheld.id]["decided"] == "人工复核：通过" and by_id[upheld.id]["note"] == ""
    assert "decided" not in by_id[kept.id] and by_id[kept.id]["reasons"]
    assert "decided" not in by_id[machine.id] and by_id[machine.id]["reasons"]
    page = client.get("/me/evidence/wechat_share")
    row = re.search(rf'<li data-id="{overturned.id}".*?</li>', page.text, re.S).group(0)
    assert "人工复核：不通过" in row and "截图是别人的朋友圈" in row
    machine_reason = by_id[kept.id]["reasons"][0]
    assert machine_reason not in row
    kept_row = re.search(rf'<li data-id="{kept.id}".*?</li>', page.text, re.S).group(0)
    assert machine_reason in kept_row and "人工复核" not in kept_row


def test_a_reviewer_does_not_judge_their_own_townships_candidates(app, session, people,
                                                                  add_items, make_user,
                                                                  make_township):
    zhang, _li = people
    shot = add_items(zhang, 1, status="review")[0]
    make_user("local", "reviewer", township=zhang.township)
    make_user("outside", "reviewer", township=make_township("东山镇"))
    local = login(app, "local")
    page = local.get("/evidence/review")
    assert item_ids(page) == [] and item_ids(local.get(f"/evidence/review?item={shot.id}")) == []
    res = local.post("/evidence/review", data={"csrf_token": csrf_from(page), "item_id": shot.id,
                                               "verdict": "accept"})
    assert res.status_code == 403 and shot.status == "review"
    decided = select(AuditLog).where(AuditLog.action == "decide_evidence")
    assert session.scalars(decided).all() == []
    assert item_ids(login(app, "outside").get("/evidence/review")) == [shot.id]


def test_replaced_plans_and_pending_items_are_never_decided(app, session, people, add_items):
    zhang, _li = people
    old = add_items(zhang, 1, task="plan", status="superseded")[0]
    pending = add_items(zhang, 1, status="pending")[0]
    county = login(app, "county")
    listed = county.get("/evidence/review?status=all")
    assert old.id not in item_ids(listed) and pending.id not in item_ids(listed)
    for item in (old, pending):
        county.post("/evidence/review", data={"csrf_token": csrf_from(listed),
                                              "item_id": item.id, "verdict": "accept"})
        session.refresh(item)
    assert (old.status, pending.status) == ("superseded", "pending")
    for odd in ("²", "2147483648", "9223372036854775808"):  # typed numbers never crash
        assert county.get(f"/evidence/review?item={odd}").status_code == 200
