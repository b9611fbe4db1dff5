"""Screenshot evidence pages: the candidate's upload page and the review queue."""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from grader.words import remembered as _
from flask_login import current_user
from sqlalchemy import Row

from grader import jobs
from grader.auth.permissions import judged_elsewhere, may_judge_item, may_see_item, roles_required
from grader.campaign import current_campaign
from grader.db import get_session, without_lock
from grader.i18n import reason_text
from grader.models import EvidenceItem
from grader.models.base import utcnow
from grader.models.states import Role, Verdict
from grader.services import evidence as service
from grader.services import review_queue as queue
from grader.services import own_lists, records
from grader.services.records import small_id
from grader.storage import get_storage
from grader.web.actions import attempt, flash_invalid, found, refusal
from grader.web.errors import answers_json
from grader.web.forms import ConfirmForm
from grader.web.me import own_candidate
from grader.web.staff_forms import VerdictForm
from grader.web.security import page_number, row_id, stored_file_headers

bp = Blueprint("evidence", __name__)
PAGE = 30  # items per page of the review queue
OWN_STATUSES = (Verdict.ACCEPT, Verdict.PENDING, Verdict.REVIEW, Verdict.REJECT)  # list filters
EXCERPT = 200  # characters of OCR text a queue card shows; the item's own page shows all
TASK_NAMES = {"wechat_share": "微信转发截图", "app_download": "农村淘宝APP下载截图",
              "plan": "项目计划书"}


def _task(task: str) -> str:
    """Refuse an unknown task."""
    if task not in service.SCREENSHOT_TASKS:
        abort(404)
    return task


def human_verdict(item: EvidenceItem | Row) -> str | None:
    """Say what a person decided on the item (人工复核：通过), or None if nobody did."""
    if item.decided_by_id is None:
        return None
    return _("人工复核：通过") if item.status == Verdict.ACCEPT else _("人工复核：不通过")


def _item_json(item: EvidenceItem | Row) -> dict:
    """Describe an item for the upload page: a person's decision and note, else the reasons."""
    decided = human_verdict(item)
    if decided is not None:
        return {"id": item.id, "file": item.filename, "status": item.status, "reasons": [],
                "decided": decided, "note": item.note or ""}
    return {"id": item.id, "file": item.filename, "status": item.status,
            "reasons": [reason_text(r) for r in item.reasons or []]}


@bp.route("/me/evidence/<task>")
@roles_required(Role.CANDIDATE)
def upload_page(task: str):
    """Show the upload page: the counter, the rejected items first, then the latest items."""
    cand, db, args = own_candidate(), get_session(), request.args
    task = _task(task)
    status = args.get("status") if args.get("status") in OWN_STATUSES else None
    page = own_lists.item_page(db, cand, task, row_id(args.get("before", type=int)), status)
    counts = service.counters(db, cand, task)
    first = page.first and status is None and counts[Verdict.REJECT]
    return render_template("evidence/upload.html", cand=cand, task=task, name=TASK_NAMES[task],
                           page=page, items=page.rows, status=status,
                           rejected=own_lists.rejected_items(db, cand, task) if first else [],
                           counts=counts, required=current_campaign().round1.tasks[task].required,
                           form=ConfirmForm(), human_verdict=human_verdict)


@bp.route("/me/evidence/<task>/upload", methods=["POST"])
@answers_json
@roles_required(Role.CANDIDATE)
def upload(task: str):
    """Take one or more files (or a ZIP); answer JSON with what became of each."""
    cand, db = own_candidate(), get_session()
    files = [(f.filename or "file", f.stream) for f in request.files.getlist("files")]
    if not files:
        return jsonify(error=_("请选择文件")), 400
    task_name, now = _task(task), utcnow()
    result, problem = refusal(lambda: service.submit_batch(
        db, get_storage(), cand, task_name, files, now, current_campaign(), without_lock))
    if problem is not None:
        return jsonify(error=problem), 400
    jobs.queue_after_commit([item.id for item in result.items])
    return jsonify(items=[_item_json(i) for i in result.items],
                   known=[_item_json(i) for i in result.known],
                   refused=[{"file": n, "reasons": [reason_text(c)]} for n, c in result.refused],
                   counts=service.counters(db, cand, task))


@bp.route("/me/evidence/<task>/status.json")
@answers_json
@roles_required(Role.CANDIDATE)
def status(task: str):
    """Return the counter and the latest verdicts, for the page to poll."""
    cand, db = own_candidate(), get_session()
    items = service.items_of(db, cand, _task(task), limit=300)
    return jsonify(counts=service.counters(db, cand, task), items=[_item_json(i) for i in items])


@bp.route("/evidence/file/<int:item_id>")
@roles_required(Role.CANDIDATE, Role.REVIEWER, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF)
def file(item_id: int) -> Response:
    """Send an item's image to its owner and to staff who may see it."""
    item = found(records.get(get_session(), EvidenceItem, item_id))
    if not may_see_item(current_user, item):
        abort(403)
    data = _stored_bytes(item.storage_key)
    if data is None:
        return _no_file()
    return Response(data, mimetype=item.mime,
                    headers=stored_file_headers(item.mime, item.filename))


def _stored_bytes(key: str) -> bytes | None:
    """Return an item's stored bytes, or None when it has none (rehearsal rows) or they are gone."""
    storage = get_storage()
    try:
        return storage.read(key) if key and storage.exists(key) else None
    except (ValueError, OSError):  # not a storage key, or unreadable
        return None


def _no_file() -> Response:
    """Answer 404 无文件: a placeholder image to an <img>, a page to a person opening the link."""
    if request.accept_mimetypes.best_match(["text/html", "image/svg+xml"]) == "image/svg+xml":
        return Response(render_template("evidence/no_file.svg"), 404,
                        mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
    return Response(render_template("evidence/no_file.html"), 404)


def _queue_filter() -> queue.QueueFilter:
    """Read the queue's filters from the query string (a bad value means no filter)."""
    args = request.args
    status = args.get("status", "review")
    task = args.get("task") if args.get("task") in queue.REVIEW_TASKS else None
    reg_no = (args.get("reg_no") or "").strip()[:20] or None
    raw_id = (args.get("item") or "").strip().lstrip("#")
    # reviewers score plans blind, in their own queue: never list plans to them here
    tasks = service.SCREENSHOT_TASKS if current_user.role == Role.REVIEWER \
        else queue.REVIEW_TASKS
    return queue.QueueFilter(
        status=status if status in (*queue.LISTED_STATUSES, "all") else "review",
        task=task, reg_no=reg_no, item_id=small_id(raw_id), tasks=tasks,
        not_township=judged_elsewhere(current_user))


def _page_url(page: int, **seek: int) -> str:
    """Return the queue's URL for another page (`after` or `before` an id), keeping the filters."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "after", "before") and v}
    return url_for("evidence.review", page=page, **seek, **args)


def _decide_posted(form: VerdictForm) -> Response:
    """Record the decision the queue's form posted and return to the same page."""
    item = found(records.get(get_session(), EvidenceItem, form.item_id.data))
    if not may_judge_item(current_user, item):
        abort(403)  # as with plans, nobody judges their own township's candidates
    attempt(lambda: service.decide(get_session(), item, current_user, form.verdict.data,
                                   form.note.data), success=_("已处理 #%(id)s", id=item.id))
    return redirect(request.full_path)


@bp.route("/evidence/review", methods=["GET", "POST"])
@roles_required(Role.REVIEWER, Role.COUNTY_STAFF)
def review():
    """List items (those needing review by default, 30 a page, filtered), and decide them."""
    db = get_session()
    form = VerdictForm()
    if form.validate_on_submit():
        return _decide_posted(form)
    if form.is_submitted():
        flash_invalid(form)
        return redirect(request.full_path)
    filt = _queue_filter()
    args = request.args
    found = queue.review_queue(db, filt, page_number(args.get("page", 1, type=int)), PAGE,
                                 row_id(args.get("after", type=int)),
                                 row_id(args.get("before", type=int)))
    first, last = (found.items[0].id, found.items[-1].id) if found.items else (None, None)
    return render_template(
        "evidence/review.html", items=found.items, form=form, status=filt.status, filt=filt,
        names=TASK_NAMES, found=found, show_reg=current_user.has_role(Role.COUNTY_STAFF),
        excerpt=EXCERPT, task_words={t: _(n) for t, n in TASK_NAMES.items()},
        prev_url=_page_url(found.page - 1, before=first) if found.page > 1 and first else None,
        next_url=_page_url(found.page + 1, after=last) if found.more else None)
