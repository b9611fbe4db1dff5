"""Staff rankings: preview with cut-off and warnings, publish, export; the plagiarism report."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.i18n import reason_text
from grader.models import Candidate, EvidenceItem, Ranking, Township
from grader.services import rankings as service
from grader.services.plan_similarity import all_pairs, pair_view
from grader.web.forms import ConfirmForm
from grader.web.table_io import send_table

bp = Blueprint("rankings", __name__, url_prefix="/rankings")
ROUND_NAMES = {"1": _l("任务考核第一轮"), "2": _l("任务考核第二轮"), "interview": _l("面试")}
SIMILARITY_ROWS = 200
STATUS_NAMES = {"draft": _l("预览"), "published": _l("已发布"), "superseded": _l("已作废"),
                "amended": _l("已更正（被替换）")}


def _get(ranking_id: int) -> Ranking:
    """Load a ranking or 404."""
    ranking = get_session().get(Ranking, ranking_id)
    if ranking is None:
        abort(404)
    return ranking


@bp.route("/", methods=["GET", "POST"])
@roles_required("county_staff")
def index():
    """List rankings; build a new round-1 preview."""
    db = get_session()
    form = ConfirmForm()
    if form.validate_on_submit():
        which = request.form.get("round", "1")
        if which not in service.FACTS:
            abort(400)
        try:
            ranking = service.preview(db, current_campaign(), which, current_user)
        except service.RankingError as err:
            db.rollback()
            flash(f"{reason_text(err.code)}：{err}", "error")
            return redirect(url_for("rankings.index"))
        db.commit()
        return redirect(url_for("rankings.view", ranking_id=ranking.id))
    rows = db.scalars(select(Ranking).order_by(Ranking.id.desc())).all()
    return render_template("rankings/index.html", rows=rows, form=form, names=ROUND_NAMES,
                           status_names=STATUS_NAMES)


@bp.route("/<int:ranking_id>", methods=["GET", "POST"])
@roles_required("county_staff")
def view(ranking_id: int):
    """Show a ranking with every component and the cut-off; publish a draft."""
    db = get_session()
    ranking = _get(ranking_id)
    form = ConfirmForm()
    if form.validate_on_submit() and ranking.status == "draft":
        try:
            moved = service.publish(db, ranking, current_user)
        except service.RankingError as err:
            db.rollback()
            flash(reason_text(err.code), "error")
            return redirect(url_for("rankings.view", ranking_id=ranking.id))
        db.commit()
        flash(_("排名已发布，%(n)s 人晋级", n=moved), "success")
        return redirect(url_for("rankings.view", ranking_id=ranking.id))
    names = dict(db.execute(select(Candidate.reg_no, Candidate.name).where(
        Candidate.reg_no.in_([r["id"] for r in ranking.result["ranking"]]))).all())
    current = service.published(db, ranking.round) if ranking.status == "draft" else None
    amends = current if current is not None and service.amendable(db, current, ranking) \
        else None
    changes = _changes(current, ranking) if current is not None else []
    return render_template("rankings/view.html", ranking=ranking, form=form, names=names,
                           round_name=ROUND_NAMES.get(ranking.round, ranking.round),
                           current=current, amends=amends, changes=changes,
                           status_names=STATUS_NAMES)


def _changes(current: Ranking, draft: Ranking) -> list[tuple[str, bool]]:
    """List who a draft moves across the published cut-off: (candidate, now advances)."""
    before = {r["id"]: r["advance"] for r in current.result["ranking"]}
    return [(r["id"], r["advance"]) for r in draft.result["ranking"]
            if before.get(r["id"]) is not None and before[r["id"]] != r["advance"]]


@bp.route("/<int:ranking_id>.<fmt>")
@roles_required("county_staff")
def export(ranking_id: int, fmt: str):
    """Export a ranking with its components as XLSX or CSV."""
    ranking = _get(ranking_id)
    rows = ranking.result["ranking"]
    keys = sorted({k for r in rows for k, v in r["components"].items()
                   if not isinstance(v, (dict, list))})
    header = ["名次", "报名编号", "得分", "是否晋级", *keys]
    cells = [[r["rank"], r["id"], r["score"], "是" if r["advance"] else "否",
              *[r["components"].get(k) for k in keys]] for r in rows]
    return send_table(fmt, f"排名_{ranking.round}_{ranking.id}", header, cells)


@bp.route("/similarity")
@roles_required("county_staff")  # it names whose plans they are: never for blind reviewers
def similarity():
    """List plan pairs above the similarity threshold, with whose plans they are."""
    db = get_session()
    found = sorted(all_pairs(db), key=lambda p: -p.similarity)
    pairs = found[:SIMILARITY_ROWS]  # the most similar first; a phone cannot show thousands
    ids = {int(i) for p in pairs for i in (p.a, p.b)}
    owners = {item_id: (reg, name, town) for item_id, reg, name, town in db.execute(
        select(EvidenceItem.id, Candidate.reg_no, Candidate.name, Township.name)
        .join(Candidate, Candidate.id == EvidenceItem.candidate_id)
        .join(Township, Township.id == Candidate.township_id)
        .where(EvidenceItem.id.in_(ids)))} if ids else {}
    return render_template("rankings/similarity.html", pairs=pairs, owners=owners,
                           total=len(found))


@bp.route("/similarity/<int:a>/<int:b>")
@roles_required("county_staff")
def similarity_pair(a: int, b: int):
    """Show two plans side by side with their shared passages marked."""
    view = pair_view(get_session(), a, b)
    if view is None:
        abort(404)
    return render_template("rankings/similarity_pair.html", view=view)
