"""The audit log records logins, accounts, roles, targets, panels, appeals and overrides."""

from sqlalchemy import select

from grader.models import AuditLog, User
from helpers import client_as, csrf_from


def _actions(session) -> list[tuple]:
    return [(a.action, a.field, a.before, a.after)
            for a in session.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_logins_failed_logins_and_logouts_are_recorded_without_passwords(app, session, auth,
                                                                         make_user, client):
    make_user("staff", "county_staff")
    auth.login("staff", "wrong-guess")
    auth.login("ghost", "other-guess")
    auth.login("staff")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/account/password"))})
    rows = [r for r in _actions(session) if r[0] != "create_account"]
    assert [r[0] for r in rows] == ["login_failed", "login_failed", "login", "logout"]
    assert rows[1][3] == "ghost"
    assert "guess" not in repr(_actions(session))


def test_admins_change_roles_and_deactivate_with_an_audit_row(app, session, make_user,
                                                            make_township):
    make_user("boss", "admin")
    staff = make_user("staff", "county_staff")
    client = client_as(app, "boss")
    token = csrf_from(client.get("/admin/"))
    assert "确定停用账号" in client.get("/admin/").text
    client.post(f"/admin/users/{staff.id}/role", data={"csrf_token": token, "role": "reviewer"})
    client.post(f"/admin/users/{staff.id}/active", data={"csrf_token": token, "active": "0"})
    assert (staff.role, staff.active, staff.session_version) == ("reviewer", False, 3)
    assert ("change_role", "role", "county_staff", "reviewer") in _actions(session)
    assert ("deactivate", "active", True, False) in _actions(session)
    boss = session.scalar(select(User).where(User.username == "boss"))
    page = client.post(f"/admin/users/{boss.id}/active", data={"csrf_token": token,
                                                               "active": "0"}, follow_redirects=True)
    assert "不能修改自己的角色" in page.text and boss.active


def test_created_accounts_targets_panels_appeals_and_reasons_are_recorded(
        session, make_user, make_township, make_candidate):
    from grader.services import interview, townships
    from grader.services.registration import override_eligibility

    county = make_user("county", "county_staff")
    town = make_township()
    townships.set_target(session, county, town, 80)
    townships.import_townships(session, "q.csv", "乡镇,目标\n城关镇,90\n东山镇,5\n".encode(),
                               10**6, county)
    judge = make_user("judge", "interviewer")
    interview.create_panel(session, "一组", [judge.id], county)
    cand = make_candidate(town)
    override_eligibility(session, cand, county, True, "first reason")
    override_eligibility(session, cand, county, True, "rewritten reason")
    got = _actions(session)
    assert ("create_account", "role", None, "interviewer") in got
    assert ("set_target", "target", 50, 80) in got
    assert ("import_township", "target", 80, 90) in got
    assert ("import_township", "target", None, 5) in got
    assert ("create_panel", "members", None, [judge.id]) in got
    assert ("override_reason", "override_reason", "first reason", "rewritten reason") in got


def test_a_rejected_appeal_answer_is_recorded(session, make_user, make_township, make_candidate):
    from grader.models import Appeal, EvidenceItem
    from grader.services import appeals

    county = make_user("county", "county_staff")
    cand = make_candidate(make_township())
    item = EvidenceItem(candidate_id=cand.id, task="wechat_share", status="reject",
                        filename="a.png", sha256="0" * 64, size=1, mime="image/png",
                        storage_key="k")
    session.add(item)
    session.flush()
    appeal = Appeal(candidate_id=cand.id, item_id=item.id, text="请复核")
    session.add(appeal)
    session.flush()
    appeals.answer_appeal(session, appeal, county, False, "截图确实不符合要求")
    assert ("appeal_rejected", f"item:{item.id}", "reject", "reject") in _actions(session)
