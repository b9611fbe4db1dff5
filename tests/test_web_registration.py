"""Registration pages, roles, township scoping and masking through the real app."""

from datetime import date

from sqlalchemy import func, select

from helpers import csrf_from
from grader.models import Candidate
from helpers import DECLARATIONS, ric_for


def form(town, **kw):
    data = {"name": "王芳", "id_number": ric_for(date(1995, 8, 8), "002"), "phone": "13912345678",
            "email": "", "education": "college", "township_id": str(town.id),
            "password": "abc12345", "confirm": "abc12345"}
    data.update({f"decl_{d}": "y" for d in DECLARATIONS})
    data.update(kw)
    return data


def post_register(client, town, url="/register", **kw):
    token = csrf_from(client.get(url))
    return client.post(url, data=form(town, csrf_token=token, **kw), follow_redirects=True)


def test_the_pages_are_chinese_by_default(client, make_township):
    make_township()
    page = client.get("/register").text
    assert "身份证号" in page and "提交报名" in page and 'lang="zh-CN"' in page


def test_self_registration_shows_the_result(client, make_township, session):
    town = make_township()
    page = post_register(client, town).text
    assert "报名成功" in page and "资格审核通过" in page
    cand = session.scalars(select(Candidate)).one()
    assert cand.channel == "online"
    assert cand.id_number not in page and cand.id_number[-4:] in page  # masked for the candidate
    assert "139****5678" in page


def test_ineligible_candidates_see_why(client, make_township):
    town = make_township()
    page = post_register(client, town, id_number=ric_for(date(2000, 1, 1)), education="junior",
                         decl_training="", accept_ineligible="y").text
    assert "资格审核未通过" in page
    for reason in ("年龄未满18周岁", "学历低于高中", "愿意接受阿里巴巴的培训和管理"):
        assert reason in page


def test_wechat_link_records_the_channel(client, make_township, session):
    town = make_township()
    assert client.get("/join/wechat").status_code == 302
    post_register(client, town)
    assert session.scalars(select(Candidate)).one().channel == "wechat"


def test_bad_input_gets_a_chinese_error_and_nothing_is_saved(client, make_township, session):
    town = make_township()
    page = post_register(client, town, id_number="360426199101010072").text
    assert "校验位不正确" in page
    page = post_register(client, town, phone="1234").text
    assert "不是有效的中国大陆号码" in page
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0


def test_duplicate_registration_is_refused_in_chinese(client, make_township, make_candidate):
    town = make_township()
    cand = make_candidate(town)
    page = post_register(client, town, id_number=cand.id_number).text
    assert "已经报名，不能重复报名" in page


def test_a_forged_post_without_csrf_is_refused(client, make_township, session):
    town = make_township()
    res = client.post("/register", data=form(town))
    assert res.status_code == 400 and "表单已过期" in res.text
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0


def test_login_sends_each_role_to_its_page(client, auth, make_user, make_township):
    make_user("rev", "reviewer")
    assert auth.login("rev").status_code == 302
    assert "待评计划书：0 份" in client.get("/dashboard").text
    assert client.get("/candidates/").status_code == 403
    assert client.get("/townships/stats").status_code == 403


def test_wrong_password_is_refused(client, auth, make_user):
    make_user("county", "county_staff")
    res = auth.login("county", "wrong-password")
    assert res.status_code == 200 and "用户名或密码不正确" in res.text


def test_township_staff_see_only_their_township(client, auth, make_user, make_township,
                                                make_candidate):
    mine, other = make_township("东山镇"), make_township("西河乡")
    staff = make_user("ds", "township_staff", mine)
    own, foreign = make_candidate(mine, name="甲"), make_candidate(other, name="乙")
    auth.login(staff.username)
    listing = client.get("/candidates/").text
    assert "甲" in listing and "乙" not in listing
    assert client.get(f"/candidates/{foreign.id}").status_code == 403
    detail = client.get(f"/candidates/{own.id}").text
    assert own.id_number in detail  # township staff need the full number of their own people
    stats = client.get("/townships/stats").text
    assert "东山镇" in stats and "西河乡" not in stats


def test_reviewer_never_sees_ids(client, auth, make_user, make_township, make_candidate):
    town = make_township()
    cand = make_candidate(town)
    make_user("rev2", "reviewer")
    auth.login("rev2")
    assert client.get(f"/candidates/{cand.id}").status_code == 403


def test_candidates_cannot_open_staff_pages(client, auth, make_township):
    town = make_township()
    post_register(client, town)
    assert client.get("/candidates/").status_code == 403
    assert client.get("/audit").status_code == 403


def test_county_staff_override_through_the_page(client, auth, make_user, make_township,
                                                make_candidate, session):
    town = make_township()
    cand = make_candidate(town, education="junior")
    make_user("county", "county_staff")
    auth.login("county")
    page = client.get(f"/candidates/{cand.id}")
    res = client.post(f"/candidates/{cand.id}", data={
        "eligible": "1", "reason": "返乡创业青年，条件优秀", "csrf_token": csrf_from(page)},
        follow_redirects=True)
    assert "资格已更新" in res.text and "返乡创业青年" in res.text
    session.refresh(cand)
    assert cand.eligible


def test_onsite_registration_by_township_staff(client, auth, make_user, make_township, session):
    town = make_township()
    make_user("st", "township_staff", town)
    auth.login("st")
    data = form(town)
    data.pop("password"), data.pop("confirm")
    token = csrf_from(client.get("/onsite/register"))
    page = client.post("/onsite/register", data={**data, "csrf_token": token}).text
    assert "现场报名成功" in page and 'id="initial-password"' in page
    cand = session.scalars(select(Candidate)).one()
    assert cand.channel == "onsite" and cand.registered_by_id is not None


def test_language_switch_to_english(client, make_township):
    make_township()
    client.get("/lang/en")
    page = client.get("/register").text
    assert 'lang="en"' in page and "提交报名" not in page
    assert "ID number" in page


def test_admin_creates_a_township_account(client, auth, make_user, make_township, session):
    from grader.models import User

    make_township("北岭乡")
    make_user("root", "admin")
    auth.login("root")
    page = client.get("/admin/")
    assert "账号与角色" in page.text and "2016-05-18" in page.text
    res = client.post("/admin/", data={"username": "bl", "display_name": "北岭乡党政办",
                                       "role": "township_staff", "township": "北岭乡",
                                       "password": "pw123456", "csrf_token": csrf_from(page)},
                      follow_redirects=True)
    assert "账号已创建" in res.text
    user = session.scalars(select(User).where(User.username == "bl")).one()
    assert user.township.name == "北岭乡"
    res = client.post("/admin/", data={"username": "bl2", "role": "township_staff", "township": "",
                                       "password": "pw123456", "csrf_token": csrf_from(page)})
    assert "乡镇工作人员必须选择所属乡镇" in res.text


def test_only_admins_manage_accounts(client, auth, make_user):
    make_user("county", "county_staff")
    auth.login("county")
    assert client.get("/admin/").status_code == 403


def test_an_ineligible_registration_is_explained_and_asked_again(client, make_township, session):
    town = make_township()
    page = post_register(client, town, education="junior", decl_training="").text
    assert "我已了解" in page and "学历低于高中" in page and "愿意接受阿里巴巴的培训和管理" in page
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0
    page = post_register(client, town, education="junior", decl_training="",
                         accept_ineligible="y").text
    assert "资格审核未通过" in page


def test_phone_letters_and_landlines_are_refused(client, make_township):
    town = make_township()
    assert "只能填数字" in post_register(client, town, phone="138abc12345").text
    assert "固定电话" in post_register(client, town, phone="0371-61234567").text
