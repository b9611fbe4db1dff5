"""`grader recheck`: today's checker over items an older checker accepted (real OCR)."""

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from grader.cli import main
from grader.models import AuditLog
from grader.services import evidence
from grader.services.recheck import recheck
from grader.services.screenshot_job import run_check

from helpers import SHARE_AT

NOW = SHARE_AT
pytestmark = pytest.mark.slow




@pytest.fixture
def accepted_copy(session, campaign, job_storage, round1_candidate, make_township, make_candidate,
                  share_pair):
    """The original checked today, and its copy as an older checker left it: accepted."""
    first = evidence.submit_screenshots(session, job_storage, round1_candidate, "wechat_share",
                                        [("a.png", share_pair[0])], NOW).items[0]
    session.commit()
    assert run_check(session, job_storage, campaign, first.id) == "accept", first.reasons
    thief = make_candidate(make_township("东山镇"))
    thief.stage = "round1"
    copy = evidence.submit_screenshots(session, job_storage, thief, "wechat_share",
                                       [("b.png", share_pair[1])], NOW + timedelta(hours=1)).items[0]
    copy.status = copy.machine_verdict = "accept"
    copy.reasons, copy.phash = [], first.phash
    copy.detail = {"checker_version": "2016.05-old", "nickname": "别人"}
    session.commit()
    return first, copy


def test_a_dry_run_reports_the_copy_and_changes_nothing(session, campaign, job_storage,
                                                       accepted_copy):
    first, copy = accepted_copy
    report = recheck(session, job_storage, campaign, "wechat_share", NOW - timedelta(days=1))
    assert report.rechecked == 2 and report.unchanged == 1
    [change] = report.changes
    assert change.item_id == copy.id and change.status == "accept"
    assert change.new_verdict in ("reject", "review")
    assert any(r == f"copied_from:{first.id}" or r == f"duplicate_of:{first.id}"
               or r.startswith("possible_copy") for r in change.new_reasons), change.new_reasons
    assert not change.applied
    session.refresh(copy)
    assert copy.status == "accept" and copy.reasons == []
    assert not session.scalars(select(AuditLog).where(AuditLog.action == "recheck_evidence")).all()


def test_apply_stores_the_new_verdict_audited_with_both_versions(session, campaign, job_storage,
                                                                accepted_copy):
    first, copy = accepted_copy
    report = recheck(session, job_storage, campaign, "wechat_share", NOW - timedelta(days=1),
                     apply=True)
    assert [c.applied for c in report.changes] == [True]
    assert copy.status == report.changes[0].new_verdict != "accept"
    row = session.scalars(select(AuditLog).where(AuditLog.action == "recheck_evidence")).one()
    assert row.entity_id == copy.candidate_id and row.field == f"item:{copy.id}"
    assert row.before["status"] == "accept" and row.before["checker_version"] == "2016.05-old"
    assert row.after["checker_version"] == copy.detail["checker_version"] != "2016.05-old"
    again = recheck(session, job_storage, campaign, "wechat_share", NOW - timedelta(days=1))
    assert again.changes == [] and again.unchanged == 2  # the second run finds nothing new


def test_a_persons_decision_is_listed_not_changed(session, campaign, job_storage, accepted_copy,
                                                 make_user):
    _first, copy = accepted_copy
    copy.decided_by_id = make_user("rev", "reviewer").id
    session.commit()
    report = recheck(session, job_storage, campaign, "wechat_share", NOW - timedelta(days=1),
                     apply=True)
    [change] = report.changes
    assert change.decided_by_person and not change.applied
    assert copy.status == "accept"


def test_items_before_the_day_are_only_compared_against(session, campaign, job_storage,
                                                       accepted_copy):
    report = recheck(session, job_storage, campaign, "wechat_share", NOW + timedelta(minutes=30))
    assert report.rechecked == 1 and len(report.changes) == 1  # only the copy is read again


def test_the_command_refuses_a_bad_day_and_reads_an_empty_database(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "STORAGE_DIR": str(tmp_path / "s"),
           "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}", "SECRET_KEY": "k" * 40}
    bad = CliRunner().invoke(main, ["recheck", "--task", "wechat_share", "--since", "May 1"],
                             env=env)
    assert bad.exit_code == 2 and "--since must be a day" in bad.output
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    res = CliRunner().invoke(main, ["recheck", "--task", "wechat_share", "--since", "2016-05-01",
                                    "--json"], env=env)
    assert res.exit_code == 0, res.output
    assert '"rechecked": 0' in res.output and '"changed": 0' in res.output
