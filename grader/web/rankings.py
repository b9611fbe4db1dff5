"""Staff rankings: preview with cut-off and warnings, publish, export; the plagiarism report."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from grader.words import remembered as _
from grader.words import lazy as _l
from flask_login import current_user

from grader.auth.permissions import roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.labels import COMPONENTS
from grader.models import Ranking
from grader.models.states import RankingStatus, Role
from grader.services import rankings as service
from grader.services import records, withdrawals
from grader.services.plan_similarity import all_pairs, pair_view, plan_owners
from grader.services.ranking_search import matching_rows
from grader.web.actions import attempt, found
from grader.web.forms import ConfirmForm
from grader.web.staff_forms import RoundForm
from grader.web.table_io import send_table

bp = Blueprint("rankings", __name__, url_prefix="/rankings")
ROUND_NAMES = {"1": _l("任务考核第一轮"), "2": _l("任务考核第二轮"), "interview": _l("面试")}
SIMILARITY_ROWS = 200
STATUS_NAMES = {"draft": _l("预览"), "published": _l("已发布"), "superseded": _l("已作废"),
                "amended": _l("已更正（被替换）")}


def _get(ranking_id: int) -> Ranking:
    """Load a ranking or 404."""
    return found(records.get(get_session(), Ranking, ranking_id))


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def index():
    """List rankings; build a new round-1 preview."""
    db = get_session()
    form = RoundForm()
    if form.is_submitted() and not form.validate():
        abort(400)
    if form.is_submitted():
        ranking = attempt(lambda: service.preview(db, current_campaign(), form.round.data,
                                                  current_user))
        if ranking is None:
            return redirect(url_for("rankings.index"))
        return redirect(url_for("rankings.view", ranking_id=ranking.id))
    return render_template("rankings/index.html", rows=service.all_rankings(db), form=form,
                           names=ROUND_NAMES, status_names=STATUS_NAMES)


@bp.route("/<int:ranking_id>", methods=["GET", "POST"])
@roles_required(Role.COUNTY_STAFF)
def view(ranking_id: int):
    """Show a ranking with every component and the cut-off; publish a draft."""
    db = get_session()
    ranking = _get(ranking_id)
    form = ConfirmForm()
    if form.validate_on_submit() and ranking.status == RankingStatus.DRAFT:
        moved = attempt(lambda: service.publish(db, ranking, current_user))
        if moved is not None:
            stopped = sum(not r["advance"] for r in ranking.result["ranking"])
            flash(_("排名已发布，%(n)s 人晋级，%(k)s 人止步", n=moved, k=stopped), "success")
        return redirect(url_for("rankings.view", ranking_id=ranking.id))
    names = service.names_of(db, [r["id"] for r in ranking.result["ranking"]])
    current = service.published(db, ranking.round) if ranking.status == RankingStatus.DRAFT else None
    amends = current if current is not None and service.amendable(db, current, ranking) \
        else None
    changes = _changes(current, ranking) if current is not None else []
    q = (request.args.get("q") or "").strip()[:50]
    return render_template("rankings/view.html", ranking=ranking, form=form, names=names,
                           q=q, rows=matching_rows(ranking.result["ranking"], names, q),
                           round_name=ROUND_NAMES.get(ranking.round, ranking.round),
                           current=current, amends=amends, changes=changes,
                           status_names=STATUS_NAMES, amended=_amended(db, ranking))


def _amended(db, ranking: Ranking) -> dict:
    """Return the withdrawals and replacements beside a published ranking's rows."""
    if ranking.status != RankingStatus.PUBLISHED:
        return {}
    return withdrawals.amendments(db, ranking)


def _changes(current: Ranking, draft: Ranking) -> list[tuple[str, bool]]:
    """List who a draft moves across the published cut-off: (candidate, now advances)."""
    before = {r["id"]: r["advance"] for r in current.result["ranking"]}
    return [(r["id"], r["advance"]) for r in draft.result["ranking"]
            if before.get(r["id"]) is not None and before[r["id"]] != r["advance"]]


@bp.route("/<int:ranking_id>.<fmt>")
@roles_required(Role.COUNTY_STAFF)
def export(ranking_id: int, fmt: str):
    """Export a ranking with its components as XLSX or CSV."""
    ranking = _get(ranking_id)
    rows = ranking.result["ranking"]
    keys = sorted({k for r in rows for k, v in r["components"].items()
                   if not isinstance(v, (dict, list))})
    header = ["名次", "报名编号", "得分", "是否晋级", *[COMPONENTS.get(k, k) for k in keys]]
    cells = [[r["rank"], r["id"], r["score"], _("是") if r["advance"] else _("否"),
              *[r["components"].get(k) for k in keys]] for r in rows]
    title = _("%(round)s排名_%(id)s", round=ROUND_NAMES.get(ranking.round, ranking.round),
              id=ranking.id)
    return send_table(fmt, title, header, cells)


@bp.route("/similarity")
@roles_required(Role.COUNTY_STAFF)  # it names whose plans they are: never for blind reviewers
def similarity():
    """List plan pairs above the similarity threshold, with whose plans they are."""
    db = get_session()
    found = sorted(all_pairs(db), key=lambda p: -p.similarity)
    pairs = found[:SIMILARITY_ROWS]  # the most similar first; a phone cannot show thousands
    owners = plan_owners(db, {int(i) for p in pairs for i in (p.a, p.b)})
    return render_template("rankings/similarity.html", pairs=pairs, owners=owners,
                           total=len(found))


@bp.route("/similarity/<int:a>/<int:b>")
@roles_required(Role.COUNTY_STAFF)
def similarity_pair(a: int, b: int):
    """Show two plans side by side with their shared passages marked."""
    view = pair_view(get_session(), a, b)
    if view is None:
        abort(404)
    return render_template("rankings/similarity_pair.html", view=view)
