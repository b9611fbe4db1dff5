"""The seed's county: 金沙县's campaign, townships and ID numbers; eligibility from the file."""

import random
from datetime import date

import pytest
from sqlalchemy import select
from stdnum.cn import ric

from grader.models import Candidate, Township
from grader.services.demo import DEMO_CANDIDATE_ID, load_demo, make_id


def test_the_default_campaign_is_the_seeds(campaign):
    assert campaign.county == "金沙县"
    assert (campaign.registration.start, campaign.registration.end) == (date(2016, 5, 3),
                                                                        date(2016, 5, 18))
    assert campaign.signing.deadline == date(2016, 6, 16)
    op = campaign.support.operator
    assert (op.startup_loan, op.startup_loan_max, op.computers, op.signs) == (10000, 60000, 1, 1)


@pytest.mark.parametrize("born, region", [(date(1992, 3, 15), "522424"),
                                          (date(2010, 12, 31), "522424"),
                                          (date(2011, 1, 1), "520523")])
def test_demo_id_numbers_carry_the_countys_code_of_their_birth_year(born, region):
    number = make_id(random.Random(1), born)
    assert number[:6] == region and ric.validate(number) == number
    assert ric.get_birth_place(number)["county"] == "金沙县"


def test_the_demo_registers_people_of_the_county_in_its_townships(session, campaign):
    load_demo(session, campaign, 30, 4)
    towns = session.scalars(select(Township.name).order_by(Township.code)).all()
    assert towns[:2] == ["鼓场街道", "西洛街道"] and "官田乡" in towns and len(towns) == 25
    numbers = session.scalars(select(Candidate.id_number)).all()
    assert DEMO_CANDIDATE_ID in numbers and len(numbers) == 31
    for number in numbers:
        assert ric.validate(number) == number
        assert ric.get_birth_place(number) == {"province": "贵州省", "county": "金沙县"}


def test_the_home_page_reads_age_range_and_education_from_the_campaign(client, set_campaign):
    assert "年龄18至45周岁，高中及以上学历" in client.get("/").text
    set_campaign(registration={"min_age": 20, "max_age": 40, "min_education": "college"})
    page = client.get("/").text
    assert "年龄20至40周岁，大专及以上学历" in page and "18至45" not in page
