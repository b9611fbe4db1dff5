"""A whole synthetic campaign through every stage, using the services the pages use."""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grader.campaign import Campaign
from grader.models import (Candidate, EvidenceItem, InterviewPanel, InterviewPanelMember,
                           InterviewScore, InterviewSlot, Review, SpotCheck, Township, User)
from grader.models.states import ReviewKind, Role, Stage, Task, Verdict
from grader.models.user import cheap_hashing
from grader.services import (activity, appeals, calls, evidence, exams, interview, plans,
                             rankings, reviews, survey_forms, trial, withdrawals)
from grader.services.accounts import create_user
from grader.services.demo import DEMO_PASSWORDS, TOWNSHIPS, _accounts, _registration
from grader.services.registration import RegistrationError, register_many
from grader.services.simulated_files import ImagePool
from grader.services.simulated_plans import copied, plan_text
from grader.services.tables import write_csv
from uploads.storage import FileStorage

COPIED_SHARE = 0.04  # plans copied from an earlier candidate, for the plagiarism report
OUTCOME_WEIGHTS = {"confirmed": 80, "denied": 5, "wrong_number": 3, "unreachable": 10,
                   "refused": 2}
LEFT_CALLS = 8  # spot-check calls left to the demo county account, to make by hand
PASSWORD = "rehearsal"  # every rehearsal account's but the demo accounts'


@dataclass
class Rehearsal:
    """What a simulation needs: the database session, files, campaign and a seeded RNG."""

    session: Session
    storage: FileStorage
    campaign: Campaign
    rng: random.Random
    log: list[str] = field(default_factory=list)
    staff: dict[str, list[User]] = field(default_factory=dict)
    echo: Callable[[str], None] | None = None
    images: ImagePool | None = None

    def step(self, text: str) -> None:
        """Note progress and show it at once when someone is watching."""
        self.log.append(text)
        if self.echo is not None:
            self.echo(text)


def moment(r: Rehearsal, section: str, spread_hours: float) -> datetime:
    """Return a random time within the first hours of a stage."""
    start = r.campaign.window(section)[0]
    return start + timedelta(minutes=r.rng.uniform(0, spread_hours * 60))


def setup(r: Rehearsal, n: int) -> list[Township]:
    """Create townships with targets, the demo accounts (one per role) and the staff accounts.

    The demo accounts work beside the rehearsal's: the county account calls, the reviewers
    review, the interviewer sits on a panel, so each finds work when they log in.
    """
    towns = [Township(code=c, name=nm, target=max(1, t * n // 550)) for c, nm, t in TOWNSHIPS]
    r.session.add_all(towns)
    r.session.flush()
    _accounts(r.session, r.campaign, towns)  # strong hashes: these are typed by people
    demo: dict[str, list[User]] = {}
    for user in r.session.scalars(select(User).where(User.username.in_(DEMO_PASSWORDS))
                                  .order_by(User.id)):
        demo.setdefault(user.role, []).append(user)
    roles = {"county_staff": 3, "reviewer": 8, "interviewer": 12}
    with cheap_hashing():
        for role, count in roles.items():
            r.staff[role] = demo.get(role, []) + [
                create_user(r.session, f"sim-{role}-{i}", PASSWORD, role) for i in range(count)]
    for i, rev in enumerate(r.staff["reviewer"][2:6]):
        rev.township_id = towns[i].id  # some reviewers are local: never their own township
    return towns


def registrations(r: Rehearsal, towns: list[Township], n: int) -> None:
    """Register synthetic people through the registration service until n are registered.

    They come in batches (one insert for a batch); a drawn duplicate ID is drawn again.
    """
    start = r.campaign.window("registration")[0] + timedelta(hours=8)
    done = r.session.scalar(select(func.count()).select_from(Candidate)) or 0  # the demo's
    while done < n:
        entries = []
        for _ in range(n - done):
            data = _registration(r.rng, r.campaign, towns)
            data.password = PASSWORD
            entries.append((data, r.rng.choice(("online", "onsite", "wechat"))))
        for got in register_many(r.session, r.campaign, entries, now=start):  # in the window
            if isinstance(got, RegistrationError):
                if got.code != "duplicate_id":
                    raise got  # only a drawn duplicate is drawn again
                continue
            got.candidate.registered_at = start + timedelta(minutes=done * 7
                                                            + r.rng.randint(0, 6))
            done += 1
    r.session.flush()
    r.step(f"registered {done}")


def exam(r: Rehearsal, kind: str, sits: float, mean: float) -> None:
    """Import a score file for everyone at the exam's stage, then advance the best."""
    attr, stage, _to = exams.EXAMS[kind]
    people = r.session.scalars(select(Candidate).where(Candidate.stage == stage,
                                                       Candidate.eligible)
                               .order_by(Candidate.id)).all()  # the same draws on any backend
    rows = [[c.id_number, f"{min(100, max(0, r.rng.gauss(mean, 15))):.1f}"]
            for c in people if r.rng.random() < sits]
    result = exams.import_scores(r.session, kind, f"{kind}.csv", write_csv(["身份证号", "成绩"], rows),
                                 None, 50 << 20)
    assert not result.errors, result.errors[:3]
    plan = exams.plan_advance(r.session, r.campaign, kind)
    moved = exams.apply_advance(r.session, plan, None)
    r.step(f"{kind}: {len(rows)} sat, {moved} advanced")


def _digest(*parts) -> str:
    """Return a stable fake sha256 for a synthetic file."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _shots(r: Rehearsal, cand: Candidate, task: str, finish: datetime, count: int) -> list:
    """Draw a candidate's screenshot set: mostly good, a few rejected, times up to finish.

    Each row shows one of a few generated images (the pool's), so the review queue and the
    candidate's page show a real screenshot, not 无文件; the row's own digest stays unique.
    """
    start = r.campaign.window("round1")[0]
    files = []
    for i in range(count + r.rng.randint(0, 4)):
        bad = i >= count
        at = start + (finish - start) * ((i + 1) / (count + 4))
        reasons = (r.rng.choice(("missing_keyword:农村淘宝", "timestamp_outside_window")),) \
            if bad else ()
        shown = r.images.pick(task, bad, i) if r.images else None
        files.append(evidence.CheckedFile(f"{task}-{i}.png", _digest(cand.id, task, i),
                                          "reject" if bad else "accept", reasons, at, shown))
    return files


def _survey_rows(r: Rehearsal, cand: Candidate, count: int) -> list[list]:
    """Draw a candidate's survey rows with a few bad numbers, as villagers' forms come."""
    rows = []
    for i in range(count):
        phone = f"1{r.rng.choice('358')}{r.rng.randint(0, 9)}{cand.id:04d}{i:04d}"
        if r.rng.random() < 0.02:
            phone = phone[:7]
        rows.append([cand.reg_no, f"户主{i}", phone, f"{cand.township.name}第{i % 9 + 1}组",
                     r.rng.randint(1, 8), r.rng.choice(("是", "否")), "2016-05-26"])
    return rows


SURVEY_HEADER = ["报名编号", "户主姓名", "联系电话", "村组", "家庭人口", "是否网购", "调研日期"]


def _evidence(r: Rehearsal, cands: list[Candidate], ocr: int) -> None:
    """Submit screenshots, surveys and plans for everyone in round 1.

    Screenshots go in one insert per candidate and task; the survey forms of everyone in one
    sheet (one import, one check of shared numbers), each candidate's dated when they sent it.
    """
    end, written, sheet, sent = r.campaign.window("round1")[1], [], [], {}
    r.images = r.images or ImagePool.make(r.storage, r.rng, r.campaign.window("round1")[0])
    shots, sent_plans = [], []
    for cand in cands:
        diligence = r.rng.random()
        finish = end - timedelta(hours=2 + 130 * diligence)
        full = 100 if diligence > 0.1 else r.rng.randint(70, 99)
        shots += [(cand, task, _shots(r, cand, task, finish, full - ocr))
                  for task in evidence.SCREENSHOT_TASKS]
        sheet += _survey_rows(r, cand, full + 4)
        sent[cand.id] = finish - timedelta(hours=1)
        if written and r.rng.random() < COPIED_SHARE:
            text = copied(r.rng, r.rng.choice(written))
        else:
            text = plan_text(r.rng, cand.township.name)
        written.append(text)
        sent_plans.append((cand, "plan.txt", text.encode(), finish - timedelta(hours=3)))
    plans.submit_many(r.session, r.storage, r.campaign, sent_plans)
    evidence.submit_checked_many(r.session, shots)  # one COPY on PostgreSQL
    survey_forms.import_forms(r.session, r.campaign, write_csv(SURVEY_HEADER, sheet), True,
                              max_bytes=1 << 30, dated=sent)
    if ocr:
        _real_screenshots(r, cands, ocr)
    r.step(f"round 1: evidence from {len(cands)} candidates")


def _real_screenshots(r: Rehearsal, cands: list[Candidate], k: int) -> None:
    """Check k generated screenshots per candidate for real (OCR) through the job's code."""
    from grader.services.screenshot_job import run_check
    from uploads import synth

    when = r.campaign.window("round1")[0] + timedelta(days=2)
    for cand in cands:
        files = [(f"real-{i}.png", synth.to_png(synth.render_share(synth.random_share(
            r.rng, when, size=(720, 1280))))) for i in range(k)]
        items = evidence.submit_screenshots(r.session, r.storage, cand, "wechat_share", files,
                                            when).items
        r.session.commit()
        for item in items:
            run_check(r.session, r.storage, r.campaign, item.id)


def _rejected_plans():
    """Select the plans staff rejected: the rehearsal's reviewers leave them unscored."""
    return select(EvidenceItem.id).where(EvidenceItem.task == Task.PLAN,
                                         EvidenceItem.status == Verdict.REJECT)


def score_all(r: Rehearsal, kind: str) -> int:
    """Let every reviewer work through their queue (third reviews included), a batch a pass.

    They leave the plans staff rejected (one, see _reject_a_plan): an upheld appeal at the
    end gives them back to the demo reviewers to score.
    """
    criteria = reviews.rubric(r.campaign, kind)
    by_id = {u.id: u for u in r.staff["reviewer"]}
    done = 0
    while True:
        open_reviews = r.session.scalars(select(Review).where(
            Review.kind == kind, Review.score.is_(None), Review.item_id.not_in(
                _rejected_plans() if kind == ReviewKind.PLAN else [])).order_by(Review.id)).all()
        if not open_reviews:
            return done
        scored = []
        for rev in open_reviews:
            base = 55 + (rev.candidate_id * 7919 % 40)
            scored.append((rev, {c["key"]: min(100, max(0, r.rng.gauss(base, 10)))
                                 for c in criteria}))
        done += reviews.score_many(r.session, r.campaign, scored, by_id)


def _calls(r: Rehearsal) -> None:
    """Draw the spot-check sample, share it out and make every call but a few.

    Each caller's open calls are recorded in one batch, then replacements and extra calls
    are shared out and called in the next pass. LEFT_CALLS calls go to the first caller (the
    demo county account) and stay open, for a person to make.
    """
    calls.draw_sample(r.session, r.campaign, f"sim-{r.rng.random():.6f}",
                      r.campaign.round1.spot_check.per_candidate)
    callers = r.staff["county_staff"]
    mine, others = callers[0], callers[1:]
    calls.assign(r.session, others)
    for call in calls.open_calls(r.session, None)[:LEFT_CALLS]:
        call.caller_id = mine.id
    names, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    while True:
        todo = [c for c in calls.open_calls(r.session, None) if c.caller_id != mine.id]
        if not todo:
            break
        for caller in others:
            made = []
            for call in (c for c in todo if c.caller_id == caller.id):
                size = call.form.household_size or 3
                made.append((call, r.rng.choices(names, weights)[0], {
                    "household_size": str(size if r.rng.random() < 0.9 else size + 2)}))
            calls.record_many(r.session, r.campaign, caller, made)
        calls.assign(r.session, others)  # replacements and extra calls join the lists
    left = r.session.scalar(select(func.count()).where(SpotCheck.outcome.is_(None)))
    r.step(f"spot checks: {left} calls left to {mine.username}")


def publish(r: Rehearsal, round_name: str) -> int:
    """Preview and publish a round's ranking; return how many advanced."""
    ranking = rankings.preview(r.session, r.campaign, round_name, r.staff["county_staff"][0])
    moved = rankings.publish(r.session, ranking, r.staff["county_staff"][0])
    r.step(f"ranking {round_name}: {len(ranking.result['ranking'])} ranked, {moved} advanced")
    return moved


APPEAL_TEXT = "计划书是我自己写的，村里的情况我都走访过，请复核。"


def _reject_a_plan(r: Rehearsal) -> EvidenceItem | None:
    """Let the county reject one plan as copied, one the two demo reviewers both review.

    Its candidate (one still in the recruitment) appeals once round 1 is published
    (appeal_the_plan) and the county upholds the appeal, so the plan goes back to reviewer and
    reviewer2 with the round published.
    """
    demo = [u.id for u in r.staff["reviewer"] if u.username in DEMO_PASSWORDS]
    if not demo:
        return None
    best = r.session.execute(select(Review.item_id, func.count()).join(
        EvidenceItem, EvidenceItem.id == Review.item_id).join(
        Candidate, Candidate.id == EvidenceItem.candidate_id).where(
        Review.kind == ReviewKind.PLAN, Review.reviewer_id.in_(demo),
        EvidenceItem.status == Verdict.ACCEPT, withdrawals.not_withdrawn())
        .group_by(Review.item_id)
        .order_by(func.count().desc(), Review.item_id).limit(1)).first()
    if best is None:
        return None
    item = r.session.get(EvidenceItem, best[0])
    evidence.decide(r.session, item, r.staff["county_staff"][0], "reject", "疑似抄袭")
    return item


def appeal_the_plan(r: Rehearsal) -> int:
    """The candidate whose plan was rejected appeals; the county upholds it (plan reopened).

    Return how many plan reviews it leaves open (the demo reviewers', scored on /review/plan).
    """
    item = r.session.scalar(_rejected_plans().order_by(EvidenceItem.id).limit(1))
    if item is None or not appeals.window_open(r.session, r.campaign):
        return 0
    cand = r.session.get(Candidate, r.session.get(EvidenceItem, item).candidate_id)
    appeal = appeals.file_appeal(r.session, r.campaign, cand, item, APPEAL_TEXT)
    appeals.answer_appeal(r.session, appeal, r.staff["county_staff"][0], True,
                          "复核后认定为本人所写，恢复计划书")
    left = r.session.scalar(select(func.count()).where(
        Review.kind == ReviewKind.PLAN, Review.item_id == item, Review.score.is_(None))) or 0
    r.step(f"plan #{item} rejected, appealed and upheld: {left} reviews to score")
    return left


def round1(r: Rehearsal, ocr: int) -> None:
    """Run task assessment round 1 end to end."""
    cands = list(r.session.scalars(select(Candidate).where(Candidate.stage == Stage.ROUND1)
                                   .order_by(Candidate.id)))
    _evidence(r, cands, ocr)
    _reject_a_plan(r)
    r.step(f"plan reviews: {score_all(r, 'plan')} scored")
    _calls(r)
    publish(r, "1")
    appeal_the_plan(r)  # within the appeal window, before anyone leaves at a later stage


def round2(r: Rehearsal) -> None:
    """Run the 7-day trial: reports, group activity, report reviews, ranking."""
    cands = list(r.session.scalars(select(Candidate).where(Candidate.stage == Stage.ROUND2)
                                   .order_by(Candidate.id)))
    start = trial.trial_start(r.campaign)
    days = r.campaign.round2.days
    per = r.campaign.round2.reviews_per_report
    rows, filings = [], []
    for cand in cands:
        zeal = r.rng.random()
        for day in range(1, days + 1):
            if r.rng.random() > 0.6 + 0.4 * zeal:
                continue
            late = timedelta(hours=r.rng.choice((10, 20, 30, 50)) if r.rng.random() > zeal else 12)
            figs = trial.Figures(int(zeal * 20 + r.rng.randint(0, 5)),
                                 round(zeal * 2000 + r.rng.uniform(0, 300), 2),
                                 int(zeal * 30 + r.rng.randint(0, 5)), r.rng.randint(0, 10))
            filings.append(trial.Filing(cand, day, f"第{day}天：走访村民。", figs,
                                        start + timedelta(days=day - 1) + late))
            rows.append([cand.name, cand.phone or "", day, int(zeal * 40) + r.rng.randint(0, 9)])
    items = [reviews.Item(rep.id, rep.candidate_id, f.cand.township_id) for f, rep in
             zip(filings, trial.file_reports(r.session, r.campaign, filings), strict=True)]
    reviews.assign(r.session, "report", items, per)  # one balanced share-out for every report
    activity.import_csv(r.session, r.campaign, "activity.csv",
                        write_csv(["成员", "手机", "天", "消息数"], rows), 50 << 20)
    r.step(f"round 2: {len(items)} daily reports, {score_all(r, 'report')} reviews scored")


def interviews(r: Rehearsal, scored: bool = True) -> None:
    """Run the interview: panels, slots, scores and the ranking (signing comes later).

    Without `scored` it stops once the interviews are scheduled: the interviewers (the demo
    one among them) have every interview to score on /interview/.
    """
    members = r.staff["interviewer"]
    first, last = interview.interview_days(r.campaign)
    room = interview.slots_per_day() * ((last - first).days + 1)  # one panel's interviews
    due = r.session.scalar(select(func.count()).where(Candidate.stage == Stage.INTERVIEW))
    count = min(len(members), max(2, -(-due // room)))  # enough panels to end in time
    panels = [InterviewPanel(name=f"第{i + 1}面试组", members=members[i::count])
              for i in range(count)]
    r.session.add_all(panels)
    r.session.flush()
    interview.schedule(r.session, r.campaign, panels)
    if not scored:
        r.step(f"interviews: {due} scheduled on {count} panels, left to score")
        return
    scores, answers = [], {}
    for slot in r.session.scalars(select(InterviewSlot).order_by(InterviewSlot.id)):
        for user in slot.panel.members:
            scores.append((user, slot.candidate, round(r.rng.uniform(55, 98), 1)))
        answers[slot.candidate_id] = r.rng.random() < 0.8  # asked at the interview
    interview.score_many(r.session, scores)
    interview.record_reassignments(r.session, r.staff["county_staff"][0], answers)
    publish(r, "interview")


LEFT_FOR_REVIEW = 12  # screenshots the machine could not decide, left in the review queue


def leftovers(r: Rehearsal) -> int:
    """Leave screenshots the machine sent to people (real images) in the review queue.

    They belong to candidates who stayed in round 1, dated inside its window; the county
    staff and the reviewers (never of the candidate's township) decide them.
    """
    pool = r.images or ImagePool.make(r.storage, r.rng, r.campaign.window("round1")[0])
    when = r.campaign.window("round1")[0] + timedelta(days=2)
    cands = r.session.scalars(select(Candidate).where(Candidate.stage == Stage.ROUND1)
                              .order_by(Candidate.id).limit(LEFT_FOR_REVIEW)).all()
    for i, cand in enumerate(cands):
        task = evidence.SCREENSHOT_TASKS[i % 2]
        reason = ("timestamp_not_found",) if i % 3 else ("repeated_nickname",)
        evidence.submit_checked(r.session, cand, task, [evidence.CheckedFile(
            f"{task}-review-{i}.png", _digest(cand.id, task, "review", i), "review", reason,
            when, pool.pick(task, False, i))])
    r.step(f"left {len(cands)} screenshots in the review queue")
    return len(cands)


def accounts(r: Rehearsal) -> list[tuple[str, str, str]]:
    """Return (role, user name, password) for the accounts a person may try after a rehearsal.

    The demo accounts keep their passwords; a rehearsal account or candidate uses PASSWORD.
    """
    demo = r.session.scalars(select(User).where(User.username.in_(DEMO_PASSWORDS))
                             .order_by(User.id)).all()
    rows = [(u.role, u.username, DEMO_PASSWORDS[u.username]) for u in demo]
    rows += [(role, f"sim-{role}-0", PASSWORD) for role in r.staff]
    for stage in (Stage.SIGNED, Stage.ROUND1):
        cand = r.session.scalar(select(Candidate).where(
            Candidate.stage == stage, Candidate.id_number.not_in(list(DEMO_PASSWORDS)))
            .order_by(Candidate.id).limit(1))
        if cand is not None:
            rows.append((f"{Role.CANDIDATE} ({stage})", cand.id_number, PASSWORD))
    return rows


def work_left(r: Rehearsal) -> list[tuple[str, str, int]]:
    """Return (user, work, count) for the work the rehearsal left to the staff accounts."""
    s, out = r.session, []
    for kind, page in ((ReviewKind.PLAN, "/review/plan"), (ReviewKind.REPORT, "/review/report")):
        for name, n in s.execute(select(User.username, func.count()).join(
                Review, Review.reviewer_id == User.id).where(
                Review.kind == kind, Review.score.is_(None)).group_by(User.username)
                .order_by(User.username)):
            out.append((name, f"{kind} reviews on {page}", n))
    queue = s.scalar(select(func.count()).where(EvidenceItem.status == Verdict.REVIEW)) or 0
    if queue:
        out.append(("county, reviewer, reviewer2", "screenshots on /evidence/review", queue))
    for name, n in s.execute(select(User.username, func.count()).join(
            SpotCheck, SpotCheck.caller_id == User.id).where(SpotCheck.outcome.is_(None))
            .group_by(User.username).order_by(User.username)):
        out.append((name, "spot-check calls", n))
    if not rankings.published(s, "interview"):
        done = set(s.execute(select(InterviewScore.interviewer_id, InterviewScore.candidate_id)))
        todo: dict[str, int] = {}
        for name, uid, cid in s.execute(select(User.username, User.id, InterviewSlot.candidate_id)
                                        .join(InterviewPanelMember,
                                              InterviewPanelMember.user_id == User.id)
                                        .join(InterviewSlot, InterviewSlot.panel_id
                                              == InterviewPanelMember.panel_id)):
            if (uid, cid) not in done:
                todo[name] = todo.get(name, 0) + 1
        out += [(name, "interviews to score on /interview/", n) for name, n in sorted(todo.items())]
    return out


UNTIL = ("round1", "round2", "interview", "signed")  # where --until may stop


def run(r: Rehearsal, n: int, ocr: int = 0, until: str = "signed") -> None:
    """Run the funnel for n synthetic registrations, up to the stage `until` (UNTIL).

    round1 and round2 stop once that round is published; interview once the interviews are
    scheduled (none scored); signed goes on to sign the selected. Work is left either way.
    Beside the funnel (grader/services/simulated_stages.py): the operator's registrations
    (some merged), corrections, exam scores in two batches, withdrawals and replacements at
    every stage, notices, the operator's trial figures, objections to the 公示, station
    sites and their allocation (refusers replaced), and township duties.
    """
    from grader.services import simulated_stages as more

    towns = setup(r, n)
    outside = max(3, n // 100)  # the operator's own registrations, counted in n
    with cheap_hashing():
        more.held_registration(r, towns)
        registrations(r, towns, n - outside)
        more.operator_registrations(r, towns, outside, max(2, n // 200))
        if r.session.scalar(select(func.count()).select_from(Candidate)) < n:
            registrations(r, towns, n)  # an operator row refused: ours make up the number
    more.corrections_made(r)
    more.exam_in_batches(r, "online_exam", 0.92, 66)
    more.exam_in_batches(r, "onsite_test", 0.97, 70)
    more.withdraw_and_replace(r, Stage.ROUND1, r.campaign.window("round1")[0])
    round1(r, ocr)
    more.objections(r, "1")
    if until != "round1":
        more.withdraw_and_replace(r, Stage.ROUND2, r.campaign.window("round2")[0]
                                  - timedelta(hours=12))
        round2(r)
        more.trial_figures(r)
        publish(r, "2")
    if until in ("interview", "signed"):
        more.withdraw_and_replace(r, Stage.INTERVIEW, r.campaign.window("round2")[1])
        interviews(r, scored=until == "signed")
    if until == "signed":
        more.withdraw_and_replace(r, Stage.SELECTED, datetime.combine(
            interview.signing_days(r.campaign)[0], datetime.min.time(),
            r.campaign.window("round2")[0].tzinfo))
        more.station_sites(r)
        more.allocate_and_sign(r)
        more.township_duties(r)
    leftovers(r)
