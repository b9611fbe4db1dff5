"""The demo campaign: townships, one account per role and a few hundred registrations."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session
from stdnum.cn import ric

from grader.campaign import Campaign
from grader.models import Township
from grader.models.candidate import CHANNELS
from grader.models.user import cheap_hashing
from grader.services import audit
from grader.services.accounts import create_user
from grader.services.registration import RegistrationError, RegistrationInput, register

# 金沙县 (毕节市, 贵州) in 2016: its streets (街道), towns (镇) and townships (乡), with a
# registration target each (任务分解表); the seed's own table is not in the source text.
TOWNSHIPS = [("01", "鼓场街道", 60), ("02", "西洛街道", 40), ("03", "岩孔街道", 30),
             ("04", "民兴街道", 20), ("05", "禹谟镇", 35), ("06", "沙土镇", 30), ("07", "安底镇", 20),
             ("08", "岚头镇", 20), ("09", "清池镇", 20), ("10", "源村镇", 20), ("11", "长坝镇", 20),
             ("12", "后山镇", 20), ("13", "平坝镇", 20), ("14", "化觉镇", 20), ("15", "柳塘镇", 20),
             ("16", "茶园乡", 20), ("17", "桂花乡", 15), ("18", "高坪乡", 15), ("19", "木孔乡", 15),
             ("20", "石场乡", 15), ("21", "大田乡", 15), ("22", "太平乡", 15), ("23", "马路乡", 15),
             ("24", "新化乡", 15), ("25", "官田乡", 15)]
DEMO_CANDIDATE_ID = "522424199203150015"  # 示范考生, born in 金沙县 in 1992
DEMO_PASSWORDS = {"admin": "admin2016", "county": "county2016", "township": "town2016",
                  "reviewer": "review2016", "reviewer2": "review2016", "interviewer": "inter2016",
                  DEMO_CANDIDATE_ID: "cand2016"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌鹏飞海燕春"
# 金沙县's region code: 522424 for people born before 2011, 520523 (毕节市金沙县) since
REGIONS = ((2011, "522424"), (9999, "520523"))
MOBILE_PREFIXES = ("130", "131", "135", "136", "138", "139", "150", "151", "158", "159", "186",
                   "187", "188", "189")


def make_id(rng: random.Random, born: date) -> str:
    """Return a valid 18-digit resident ID number for a birth date."""
    region = next(code for until, code in REGIONS if born.year < until)
    body = f"{region}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def _person(rng: random.Random, end: date) -> tuple[str, date]:
    """Draw a name and a birth date (a few outside the age range)."""
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
    age_days = rng.choice([rng.randint(16 * 365, 17 * 365)] + [rng.randint(19 * 365, 44 * 365)] * 18
                          + [rng.randint(47 * 365, 52 * 365)])
    return name, end - timedelta(days=age_days)


def _registration(rng: random.Random, campaign: Campaign, towns: list[Township]) -> RegistrationInput:
    """Draw one plausible registration."""
    name, born = _person(rng, campaign.registration_end)
    edu = rng.choices(["junior", "high", "vocational", "college", "bachelor"], [1, 6, 3, 4, 2])[0]
    decl = {d: rng.random() > 0.02 for d in campaign.declarations}
    phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}"
    return RegistrationInput(name=name, id_number=make_id(rng, born), education=edu,
                             township_id=rng.choice(towns).id, phone=phone, declarations=decl)


def load_demo(session: Session, campaign: Campaign, n: int, seed: int) -> None:
    """Fill an empty database with the demo campaign."""
    rng = random.Random(seed)
    towns = [Township(code=c, name=nm, target=t) for c, nm, t in TOWNSHIPS]
    session.add_all(towns)
    session.flush()
    _accounts(session, campaign, towns)
    start = datetime.combine(campaign.registration.start, datetime.min.time(), UTC)
    with cheap_hashing():  # synthetic people; the role accounts above keep the strong hash
        people = [_register_one(session, rng, campaign, towns) for _ in range(n)]
    for i, cand in enumerate(people):
        cand.registered_at = start + timedelta(minutes=i * 70 + rng.randint(0, 60))
        if cand.eligible and rng.random() < 0.85:
            audit.change(session, None, cand, "online_exam_score",
                         float(rng.randint(35, 98)), "import_online_exam", "demo")


def _register_one(session: Session, rng: random.Random, campaign: Campaign,
                  towns: list[Township]):
    """Register one drawn person, drawing again on the rare duplicate ID."""
    while True:
        data = _registration(rng, campaign, towns)
        try:
            return register(session, campaign, data, rng.choice(CHANNELS),
                            now=campaign.window("registration")[0]).candidate
        except RegistrationError as err:
            if err.code != "duplicate_id":
                raise  # only a drawn duplicate is drawn again
            continue


def _accounts(session: Session, campaign: Campaign, towns: list[Township]) -> None:
    """Create one account per role and the demo candidate."""
    p = DEMO_PASSWORDS
    create_user(session, "admin", p["admin"], "admin", display_name="系统管理员")
    create_user(session, "county", p["county"], "county_staff", display_name="县电商办")
    create_user(session, "township", p["township"], "township_staff", towns[0].name,
                display_name=f"{towns[0].name}党政办")
    create_user(session, "reviewer", p["reviewer"], "reviewer", display_name="评审")
    create_user(session, "reviewer2", p["reviewer2"], "reviewer", towns[1].name,
                display_name="评审二")  # each plan needs two reviewers, neither from its township
    create_user(session, "interviewer", p["interviewer"], "interviewer", display_name="面试官")
    register(session, campaign, RegistrationInput(
        name="示范考生", id_number=DEMO_CANDIDATE_ID, education="college",
        township_id=towns[0].id, phone="13800138000",
        declarations={d: True for d in campaign.declarations}, password=p[DEMO_CANDIDATE_ID]),
        "online", now=campaign.window("registration")[0])
