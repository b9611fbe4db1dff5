"""The rehearsal's stages beside the funnel: outside data, withdrawals, notices, stations.

Each function here is one stage of `simulation.run`, done through the services the pages
use (withdrawals and offers, notices, the operator's exports, the 公示 and its objections,
corrections, station sites and their allocation, township duties).
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from grader.models import Candidate, DailyReport, Signing, Township
from grader.models.states import NoticeKind, OfferStatus, Stage, WithdrawReason
from grader.models.withdrawal import Notice, ReplacementOffer
from grader.services import (corrections, duties, exams, interview, notices,
                             operator_figures, outside_registrations, publicity, stations,
                             withdrawals)
from grader.services.demo import _registration
from grader.services.registration import RegistrationError, register_many
from grader.services.simulation import Rehearsal
from grader.services.tables import write_csv

EDUCATION_ZH = {"junior": "初中", "high": "高中", "vocational": "中专", "college": "大专",
                "bachelor": "本科"}
# who leaves at each stage and why: (reason, by the candidate themselves)
LEAVERS = {
    Stage.ROUND1: ((WithdrawReason.OWN_REQUEST, True), (WithdrawReason.UNREACHABLE, False)),
    Stage.ROUND2: ((WithdrawReason.OWN_REQUEST, True), (WithdrawReason.NO_SHOW, False)),
    Stage.INTERVIEW: ((WithdrawReason.DECLINED, False), (WithdrawReason.INELIGIBLE, False),
                      (WithdrawReason.OWN_REQUEST, True)),
    Stage.SELECTED: ((WithdrawReason.DECLINED, False), (WithdrawReason.OWN_REQUEST, True)),
}
NOTICES = {
    Stage.ROUND1: (NoticeKind.EXAM, "第一轮任务考核已开始，请按时提交截图、调研表和计划书。"),
    Stage.ROUND2: (NoticeKind.RESULTS, "恭喜进入第二轮试运营，请每日提交运营日报。"),
    Stage.INTERVIEW: (NoticeKind.RESULTS, "恭喜进入面试，请按通知时间到县电商中心参加面试。"),
    Stage.SELECTED: (NoticeKind.SIGNING, "恭喜入选农村淘宝合伙人，请在截止日前到县里签约。"),
}


def _county(r: Rehearsal):
    """Return the county staff account that acts in these stages."""
    return r.staff["county_staff"][1] if len(r.staff["county_staff"]) > 1 \
        else r.staff["county_staff"][0]


def operator_registrations(r: Rehearsal, towns: list[Township], new: int, merged: int) -> None:
    """Import the operator's export: `new` people of its own and `merged` already ours."""
    rows = []
    for _ in range(new):
        data = _registration(r.rng, r.campaign, towns)
        town = next(t.name for t in towns if t.id == data.township_id)
        rows.append([data.name, data.id_number, data.phone, town,
                     EDUCATION_ZH.get(data.education, "高中"), ""])
    ours = r.session.scalars(select(Candidate).order_by(Candidate.id)).all()
    for cand in r.rng.sample(list(ours), min(merged, len(ours))):
        rows.append([cand.name, cand.id_number, cand.phone or "", cand.township.name,
                     EDUCATION_ZH.get(cand.education, "高中"), f"u{cand.id}@example.cn"])
    header = ["姓名", "身份证号", "手机号", "乡镇", "学历", "邮箱"]
    data = write_csv(header, rows)
    mapping = outside_registrations.guess_mapping(header)
    plan = outside_registrations.plan_registrations(r.session, r.campaign, "operator.csv", data,
                                                    mapping, 50 << 20, declared=True)
    outside_registrations.apply_registrations(r.session, r.campaign, plan, _county(r))
    r.session.flush()
    r.step(f"operator registrations: {plan.count('new')} new, {plan.count('merged')} merged, "
           f"{plan.count('refused')} refused")


def exam_in_batches(r: Rehearsal, kind: str, sits: float, mean: float) -> None:
    """Import an exam's scores in two batches, advancing after each as staff would."""
    _attr, stage, _to = exams.EXAMS[kind]
    people = r.session.scalars(select(Candidate).where(
        Candidate.stage == stage, Candidate.eligible, withdrawals.not_withdrawn())
        .order_by(Candidate.id)).all()
    rows = [[c.id_number, f"{min(100, max(0, r.rng.gauss(mean, 15))):.1f}"]
            for c in people if r.rng.random() < sits]
    half = len(rows) // 3  # the first batch fills some of the places, the second the rest
    sizes = []
    for i, batch in enumerate((rows[:half], rows[half:]), 1):
        result = exams.import_scores(r.session, kind, f"{kind}-{i}.csv",
                                     write_csv(["身份证号", "成绩"], batch), None, 50 << 20)
        assert not result.errors, result.errors[:3]
        plan = exams.plan_advance(r.session, r.campaign, kind)
        sizes.append((len(batch), exams.apply_advance(r.session, plan, _county(r))
                      if plan.advancing else 0))
    r.step(f"{kind}: {len(rows)} sat, in batches (sat, advanced) {sizes}, "
           f"{sum(m for _s, m in sizes)} advanced")


def held_registration(r: Rehearsal, towns: list[Township]) -> None:
    """Register one person whose ID number has the old region code (held as 待核实)."""
    from stdnum.cn import ric

    data = _registration(r.rng, r.campaign, towns)
    body = f"520523{data.id_number[6:14]}{r.rng.randint(0, 999):03d}"
    data.id_number, data.password = body + ric.calc_check_digit(body + "0"), "rehearsal"
    got = register_many(r.session, r.campaign, [(data, "onsite")],
                        now=r.campaign.window("registration")[0] + timedelta(hours=9))[0]
    assert not isinstance(got, RegistrationError), got


def corrections_made(r: Rehearsal) -> None:
    """A few registered candidates correct their phone; staff accept a held ID number."""
    when = r.campaign.window("registration")[0] + timedelta(days=1)
    people = r.session.scalars(select(Candidate).where(
        Candidate.stage == Stage.REGISTERED, Candidate.user_id.is_not(None))
        .order_by(Candidate.id).limit(3)).all()
    for i, cand in enumerate(people):
        phone = f"139{cand.id:04d}{i:04d}"[:11]
        corrections.correct_own(r.session, r.campaign, cand, corrections.Correction(
            cand.name, phone, cand.email or "", cand.education), now=when)
    held = r.session.scalars(select(Candidate).where(Candidate.id_pending)
                             .order_by(Candidate.id).limit(1)).all()
    for cand in held:
        corrections.accept_id(r.session, r.campaign, cand, _county(r), "看过身份证原件")
    r.step(f"corrections: {len(people)} by candidates, {len(held)} held ID numbers accepted")


def _notice(r: Rehearsal, kind: str, audience: str, text: str) -> int:
    """Send a notice when its audience is not empty; return how many were sent (0 or 1)."""
    if not notices.audience_size(r.session, audience):
        return 0
    notices.send_notice(r.session, _county(r), kind, audience, text)
    return 1


def _stage_notice(r: Rehearsal, stage: str) -> int:
    """Send the stage's notice to everyone holding a place at it."""
    kind, text = NOTICES[stage]
    return _notice(r, kind, stage, text)


def _leavers(r: Rehearsal, stage: str) -> list[Candidate]:
    """Pick the holders of a stage who leave it, drawn with the rehearsal's RNG."""
    state = withdrawals.place_state(r.session, stage)
    held = r.session.scalars(select(Candidate).where(
        Candidate.stage.in_((stage,)), withdrawals.not_withdrawn()).order_by(Candidate.id)).all()
    count = min(len(held), max(len(LEAVERS[stage]), state.target // 40))
    return r.rng.sample(list(held), count)


def withdraw_and_replace(r: Rehearsal, stage: str, at: datetime) -> dict:
    """Withdraw some holders of a stage, offer their places on, and answer every offer.

    The first offer is declined and another left to lapse (each offers the next at once);
    the rest accept, until the stage is back at its target.
    """
    actor, out = _county(r), {"withdrawn": 0, "declined": 0, "lapsed": 0, "accepted": 0}
    sent = _stage_notice(r, stage)
    for i, cand in enumerate(_leavers(r, stage)):
        reason, own = LEAVERS[stage][i % len(LEAVERS[stage])]
        by = cand.user if own and cand.user is not None else actor
        reason = WithdrawReason.OWN_REQUEST if by is cand.user else reason
        withdrawals.withdraw(r.session, cand, by, reason, "彩排：退出", now=at)
        out["withdrawn"] += 1
    for _ in range(withdrawals.place_state(r.session, stage).short):  # one offer a place
        try:
            withdrawals.offer_next(r.session, stage, actor, now=at)
        except withdrawals.WithdrawalError as err:
            if err.code != "ranking_exhausted":  # a small campaign: everyone already in
                raise
            break
    sent += _notice(r, NoticeKind.OFFER, "open_offers", "您已获得递补资格，请在两天内答复。")
    first = withdrawals.open_offers(r.session, stage)
    soon = at + timedelta(hours=1)
    for i, offer in enumerate(first):
        if i == 0:
            withdrawals.answer_offer(r.session, offer, offer.candidate.user or actor, False,
                                     "家里有事", now=soon)
            out["declined"] += 1
        elif i > 1:  # the second is left to lapse
            withdrawals.answer_offer(r.session, offer, actor, True, "电话确认", now=soon)
            out["accepted"] += 1
    later = at + timedelta(days=withdrawals.OFFER_DAYS, minutes=30)
    out["lapsed"] = withdrawals.run_lapsed(r.session, later)["lapsed"]
    for _ in range(50):  # the offers made on a decline or a lapse: accepted
        left = withdrawals.open_offers(r.session, stage)
        if not left:
            break
        for offer in left:
            withdrawals.answer_offer(r.session, offer, actor, True, "电话确认",
                                     now=offer.offered_at + timedelta(hours=2))
            out["accepted"] += 1
    state = withdrawals.place_state(r.session, stage)
    sent += _stage_notice(r, stage)
    out["notices"] = sent
    r.step(f"withdrawals {stage}: {out['withdrawn']} withdrawn, {out['declined']} declined, "
           f"{out['lapsed']} lapsed, {out['accepted']} replacements accepted, "
           f"{state.holders}/{state.target} held, {sent} notices")
    return out


def trial_figures(r: Rehearsal) -> None:
    """Import the operator's trial figures (before round 2 is published), a few differing."""
    start = r.campaign.window("round2")[0].date()
    rows = []
    for rep in r.session.scalars(select(DailyReport).options().order_by(DailyReport.id)):
        cand = r.session.get(Candidate, rep.candidate_id)
        off = r.rng.random() < 0.03
        rows.append([cand.id_number, (start + timedelta(days=rep.day - 1)).isoformat(),
                     rep.orders * (3 if off else 1) + (10 if off else 0), f"{rep.sales_yuan:.2f}",
                     rep.villagers_served, rep.app_activations])
    header = ["身份证号", "日期", "订单数", "销售额（元）", "服务村民数", "APP激活数"]
    result = operator_figures.import_figures(r.session, r.campaign, "operator-trial.csv",
                                             write_csv(header, rows), _county(r), 50 << 20)
    assert not result.errors, result.errors[:3]
    found = operator_figures.differences(r.session, r.campaign)
    r.step(f"operator figures: {result.applied} days stored, {len(found)} beyond the tolerance")


def objections(r: Rehearsal, stage: str) -> None:
    """File two objections to a published stage's 公示 and answer them."""
    shown = publicity.notice(r.session, r.campaign, stage)
    if shown is None or not shown.rows:
        return
    answered = 0
    for i, pos in enumerate((1, len(shown.rows))):
        obj = publicity.file_objection(r.session, r.campaign, stage, pos, f"村民{i + 1}",
                                       f"1380000{i:04d}", "此人不在本乡镇居住，请核实。")
        publicity.answer_objection(r.session, obj, _county(r), False,
                                   "经乡镇核实，该候选人户籍与居住地均在本乡镇。")
        answered += 1
    r.step(f"公示 {stage}: {answered} objections filed and answered")


def station_sites(r: Rehearsal) -> None:
    """Enter station sites: some townships short of own slots, the spare slots elsewhere.

    In one township fewer own slots are entered than it has partners refusing reassignment
    (a refuser is left without a station: withdrawn and replaced on confirming); in every
    third other township one own slot is missing (a partner who accepts is reassigned).
    """
    actor = r.staff["county_staff"][0]
    partners = r.session.scalars(select(Candidate).where(
        Candidate.stage.in_((Stage.SELECTED, Stage.SIGNED)), withdrawals.not_withdrawn())
        .order_by(Candidate.id)).all()
    answers = dict(r.session.execute(select(Signing.candidate_id,
                                            Signing.accepts_reassignment)).all())
    if not any(answers.get(c.id) is False for c in partners):
        # a partner who said yes at the interview says no when the stations are known
        interview.record_reassignment(r.session, actor, partners[-1], False)
        answers[partners[-1].id] = False
    by_town: dict[int, list[Candidate]] = {}
    for cand in partners:
        by_town.setdefault(cand.township_id, []).append(cand)
    refusing = next(t for t, cs in by_town.items() if any(answers.get(c.id) is False for c in cs))
    towns = r.session.scalars(select(Township).order_by(Township.code)).all()
    short = spare = 0
    for i, town in enumerate(towns):
        mine = by_town.get(town.id, [])
        want = len(mine)
        if town.id == refusing:
            want = sum(answers.get(c.id) is False for c in mine) - 1
        elif want > sum(answers.get(c.id) is False for c in mine) and i % 3 == 0:
            want -= 1  # one fewer than partners, more than its refusers: one is reassigned
        elif i % 3 == 1:
            want, spare = want + 2, spare + 2
        short += want < len(mine)
        for n in range(want // 8 + (want % 8 > 0)):
            stations.add_site(r.session, actor, town, f"{town.name}服务站{n + 1}",
                              f"{town.name}街上{n + 1}号", min(8, want - 8 * n))
    r.step(f"station sites: {short} townships short of own slots, {spare} spare slots")


def allocate_and_sign(r: Rehearsal) -> None:
    """Confirm the allocation until no refuser is left, replacing refusers; then sign."""
    actor = r.staff["county_staff"][0]
    today = interview.signing_days(r.campaign)[1] - timedelta(days=1)
    replaced = 0
    for _ in range(10):
        alloc = stations.preview(r.session, r.campaign)
        alloc = stations.confirm(r.session, r.campaign, actor, alloc.fingerprint, today)
        replaced += len(alloc.replaced)
        if not alloc.replaced:
            break
        for offer in withdrawals.open_offers(r.session, Stage.SELECTED):
            withdrawals.answer_offer(r.session, offer, actor, True, "电话确认",
                                     now=offer.offered_at + timedelta(hours=2))
            # taking a place left for want of a station, they go where a slot is
            interview.record_reassignment(r.session, actor, offer.candidate, True)
    r.step(f"stations: {alloc.count('own')} own, {alloc.count('reassigned')} reassigned, "
           f"{replaced} refusers withdrawn and replaced")
    signed = 0
    for cand in r.session.scalars(select(Candidate).where(
            Candidate.stage == Stage.SELECTED, withdrawals.not_withdrawn())
            .order_by(Candidate.id)):
        interview.record_signing(r.session, actor, cand, None, today, campaign=r.campaign)
        signed += 1
    r.step(f"signed the selected: {signed}")


def township_duties(r: Rehearsal) -> None:
    """One township enters two villages and photos of a duty (real generated images)."""
    from grader.services.report_photos import Upload
    from uploads import synth

    town = r.session.scalars(select(Township).order_by(Township.code)).first()
    actor = r.staff["county_staff"][0]
    villages = [duties.add_village(r.session, actor, town, f"彩排{i + 1}村", i == 0)
                for i in range(2)]
    when = r.campaign.window("round2")[0]
    kept = 0
    for i, village in enumerate(villages):
        image = synth.to_png(synth.render_share(synth.random_share(r.rng, when, size=(360, 640))))
        kept += duties.add_photos(r.session, r.storage, actor, village, "banner",
                                  [Upload(f"banner-{i}.png", image)])
    r.step(f"duties: {len(villages)} villages, {kept} photos")


def counts(r: Rehearsal) -> dict:
    """Return what the rehearsal did beside the funnel, for tests and the summary."""
    return {"notices": r.session.scalar(select(func.count()).select_from(Notice)),
            "offers": r.session.scalar(select(func.count()).select_from(ReplacementOffer).where(
                ReplacementOffer.status == OfferStatus.ACCEPTED))}
