"""Township duties: villages, a photo checklist per village, completion beside registrations."""

import io

import openpyxl
import pytest
from PIL import Image
from sqlalchemy import select

from helpers import client_as, csrf_from
from grader.models import AuditLog, DutyPhoto, Village
from grader.services import duties


def jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 120, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def towns(session, make_township, make_user, make_candidate):
    east, west = make_township("东镇", target=4), make_township("西镇", target=2)
    make_user("county", "county_staff")
    make_user("town", "township_staff", east)
    make_candidate(east, phone="13800130001")
    make_candidate(east, phone="13800130002")
    return east, west


def test_the_checklist_follows_the_campaign_file(session, campaign, set_campaign, towns):
    east, _west = towns
    big, small = Village(township_id=east.id, name="大坝村", large=True), \
        Village(township_id=east.id, name="小河村", large=False)
    assert duties.required(campaign, big) == {"slogan": 5, "banner": 3, "notice": 1,
                                              "qr_code": 1}
    assert duties.required(campaign, small)["slogan"] == 3
    changed = set_campaign(duties={"slogans_large_village": 6, "banners_per_village": 2})
    assert duties.required(changed, big)["slogan"] == 6
    assert duties.required(changed, small)["banner"] == 2


def upload(client, town_page, village, duty, *files):
    token = csrf_from(client.get(town_page))
    return client.post(f"/duties/villages/{village.id}/{duty}", data={
        "csrf_token": token, "photos": [(io.BytesIO(d), f"p{i}.jpg") for i, d in enumerate(files)]},
        content_type="multipart/form-data", follow_redirects=True)


def test_township_staff_add_villages_and_prove_duties_with_photos(app, session, towns):
    east, west = towns
    town = client_as(app, "town")
    page = f"/duties/{east.id}"
    token = csrf_from(town.get(page))
    town.post(f"/duties/{east.id}/villages", data={"csrf_token": token, "name": "大坝村",
                                                   "large": "y"})
    town.post(f"/duties/{east.id}/villages", data={"csrf_token": token, "name": "大坝村"})
    assert town.post(f"/duties/{west.id}/villages", data={"csrf_token": token,
                                                         "name": "西村"}).status_code == 403
    village = session.scalar(select(Village))
    assert (village.name, village.large) == ("大坝村", True)
    assert session.scalars(select(Village)).all() == [village]  # the repeat was refused
    res = upload(town, page, village, "banner", jpeg(10), jpeg(20))
    text = res.get_data(as_text=True)
    assert "已上传 2 张照片" in text and "2/3 张照片" in text
    res = upload(town, page, village, "slogan", jpeg(30), jpeg(10))  # the second: a repeat
    assert "第2张照片“p1.jpg”已经上传过" in res.get_data(as_text=True)
    res = upload(town, page, village, "notice", b"not a photo")
    assert "第1张照片“p0.jpg”不能使用" in res.get_data(as_text=True)
    assert sorted(p.duty for p in session.scalars(select(DutyPhoto))) == ["banner", "banner"]
    photo = session.scalar(select(DutyPhoto))
    served = town.get(f"/duties/photos/{photo.id}?size=thumb")
    assert served.mimetype == "image/jpeg" and Image.open(io.BytesIO(served.data)).size[0] <= 240
    assert session.scalar(select(AuditLog).where(AuditLog.action == "duty_photo")).after == 2


def test_villages_are_imported_all_or_nothing(app, session, towns):
    east, _west = towns
    town = client_as(app, "town")
    page = f"/duties/{east.id}"

    def send(body: str):
        return town.post(page, data={"csrf_token": csrf_from(town.get(page)),
                                     "file": (io.BytesIO(body.encode()), "v.csv")},
                         content_type="multipart/form-data", follow_redirects=True)

    res = send("村名,大村/小村\n甲村,大村\n乙村,中村\n")
    assert "未导入任何数据" in res.get_data(as_text=True)
    assert session.scalars(select(Village)).all() == []
    res = send("村名,大村/小村\n甲村,大村\n乙村,小村\n")
    assert "已导入 2 个村" in res.get_data(as_text=True)
    assert {(v.name, v.large) for v in session.scalars(select(Village))} == {
        ("甲村", True), ("乙村", False)}
    send("village,size\n乙村,large\n丙村,small\n")  # English headers; 乙村 becomes large
    assert {(v.name, v.large) for v in session.scalars(select(Village))} == {
        ("甲村", True), ("乙村", True), ("丙村", False)}


def test_county_staff_see_completion_beside_registrations(app, session, campaign, towns):
    east, west = towns
    small = Village(township_id=east.id, name="小河村", large=False)
    other = Village(township_id=east.id, name="上寨村", large=False)
    session.add_all([small, other])
    session.flush()
    shade = iter(range(1, 250))
    for duty, n in (("slogan", 3), ("banner", 3), ("notice", 1), ("qr_code", 1)):
        for _ in range(n):
            session.add(DutyPhoto(village_id=small.id, duty=duty, sha256=f"{next(shade):064d}",
                                  size=1, mime="image/jpeg", storage_key="k"))
    session.add(DutyPhoto(village_id=other.id, duty="slogan", sha256="f" * 64, size=1,
                          mime="image/jpeg", storage_key="k"))
    east.responsible = "张三"
    session.commit()
    rows = {r["township"]: r for r in duties.county_table(
        session, campaign, _county(session))}
    assert rows["东镇"]["duties"].done == 4 and rows["东镇"]["duties"].items == 8
    assert rows["东镇"]["duties"].photos == 9 and rows["东镇"]["registered"] == 2
    assert rows["西镇"]["duties"].rate is None
    county = client_as(app, "county")
    text = county.get("/duties/").get_data(as_text=True)
    assert "张三" in text and "4/8" in text and "50.0%" in text
    sheet = openpyxl.load_workbook(io.BytesIO(county.get("/duties/completion.xlsx").data)).active
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[0][:3] == ["乡镇/街道", "第一责任人", "报名目标"]
    assert cells[1] == ["东镇", "张三", 4, 2, 2, 2, 8, 4, 9, "50.0%"]
    town = client_as(app, "town")
    assert "西镇" not in town.get("/duties/").get_data(as_text=True)  # their own row only


def _county(session):
    from grader.models import User

    return session.scalar(select(User).where(User.username == "county"))
