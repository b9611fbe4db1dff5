"""Round 2 pages: a candidate's daily reports; staff's activity import and 7-day grid."""

import io

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from PIL import Image, ImageOps
from sqlalchemy import select

from grader.auth.permissions import can_view_candidate, roles_required
from grader.campaign import current_campaign
from grader.db import get_session
from grader.models.base import utcnow
from grader.i18n import reason_text
from grader.models import Candidate, DailyReport, Review
from grader.services import activity, reviews, trial
from grader.services.tables import TableError
from grader.storage import get_storage
from grader.web.me import own_candidate
from grader.web.forms import ConfirmForm
from uploads.documents import decode_text
from uploads.storage import key_for, sha256_of
from uploads.validate import DEFAULT_LIMITS, UploadRefused, validate_image

bp = Blueprint("trial", __name__)

# Codes of this page that grader/i18n.REASONS does not know yet.
def _figures(form) -> trial.Figures:
    """Read the day's figures from the form (blank counts as 0)."""
    def num(name, cast):
        raw = (form.get(name) or "0").strip()
        try:
            return cast(raw)
        except ValueError as exc:
            raise trial.ReportError("bad_figure", f"{name} is not a number") from exc

    return trial.Figures(num("orders", int), num("sales_yuan", float),
                         num("villagers_served", int), num("app_activations", int))


MAX_PHOTOS = 9  # per day's report, corrections included
PHOTO_SIDES = {"thumb": 240, "full": 1600}  # served re-encoded: small, and without EXIF/GPS


class PhotoRefused(Exception):
    """A report's photos refused before anything was stored; the message is for the user."""


def _photo_problem(code: str) -> str:
    """Say in Chinese why a photo cannot be used."""
    mb, pixels = DEFAULT_LIMITS.max_image_bytes // 2**20, DEFAULT_LIMITS.max_pixels // 10_000
    problems = {
        "unsupported_image": _("格式不支持，请上传JPG、PNG或WEBP照片（苹果手机的HEIC照片请在"
                               "“设置—相机—格式”中选“兼容性最佳”后重拍，或截图后上传）"),
        "not_an_image": _("不是图片文件"),
        "file_too_large": _("文件超过%(mb)sMB，请压缩后再传", mb=mb),
        "image_too_large": _("像素过大（最多%(p)s万像素），请缩小后再传", p=pixels),
        "empty_file": _("文件是空的"),
        "truncated_file": _("文件不完整（可能上传中断）"),
        "unreadable": _("文件已损坏，无法读取"),
    }
    return str(problems.get(code) or reason_text(code))


def _photos(existing: list[str]) -> list[tuple[str, bytes]]:
    """Validate the attached photos, without storing them; return (storage key, bytes) of new ones.

    One bad photo (or too many) refuses the whole report, so nothing is stored or saved.
    """
    uploads = [u for u in request.files.getlist("photos") if u.filename]
    if len(uploads) > MAX_PHOTOS:
        raise PhotoRefused(_("照片最多%(m)s张，这次选了%(n)s张。日报未提交。",
                             m=MAX_PHOTOS, n=len(uploads)))
    new: dict[str, bytes] = {}
    for n, upload in enumerate(uploads, 1):
        data = upload.read()
        try:
            validate_image(data, DEFAULT_LIMITS)
        except UploadRefused as exc:
            raise PhotoRefused(_("第%(n)s张照片“%(f)s”不能使用：%(r)s。日报未提交，请更换照片后重新提交。",
                                 n=n, f=upload.filename, r=_photo_problem(exc.code))) from exc
        new.setdefault(key_for(sha256_of(data)), data)
    new = {k: d for k, d in new.items() if k not in existing}  # the same photo again counts once
    if len(existing) + len(new) > MAX_PHOTOS:
        raise PhotoRefused(_("每天的日报最多%(m)s张照片：已有%(k)s张，这次又加了%(n)s张。日报未提交。",
                             m=MAX_PHOTOS, k=len(existing), n=len(new)))
    return list(new.items())


def _existing_photos(db, cand: Candidate, day: int) -> list[str]:
    """Return the storage keys of photos already on the candidate's report of a day."""
    rep = db.scalar(select(DailyReport).where(DailyReport.candidate_id == cand.id,
                                              DailyReport.day == day))
    return list(rep.photos or []) if rep is not None else []


def _file(db, campaign, cand: Candidate) -> DailyReport:
    """File the posted report: photos checked first, stored only once the report is valid."""
    day = request.form.get("day", type=int) or 0
    photos = _photos(_existing_photos(db, cand, day))
    rep = trial.file_report(db, campaign, cand, day, request.form.get("text", ""),
                            _figures(request.form), [key for key, _data in photos])
    storage = get_storage()
    for _key, data in photos:
        storage.put(data)
    return rep


@bp.route("/me/reports", methods=["GET", "POST"])
@roles_required("candidate")
def reports():
    """Let a candidate file each trial day's report from their phone."""
    cand, db, campaign = own_candidate(), get_session(), current_campaign()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            rep = _file(db, campaign, cand)
            per = campaign.round2.reviews_per_report
            reviews.assign(db, "report", [reviews.Item(rep.id, cand.id, cand.township_id)], per)
            db.commit()
            flash(_("第%(d)s天日报已提交", d=rep.day), "success")
            return redirect(url_for("trial.reports"))
        except trial.ReportError as err:
            db.rollback()
            flash(reason_text(err.code), "error")
        except PhotoRefused as err:
            db.rollback()
            flash(str(err), "error")
    filed = trial.reports_of(db, [cand.id])[cand.id]
    days = campaign.round2.days
    start, now = trial.trial_start(campaign), utcnow()
    closed = {d for d in filed if trial.lateness(d, now, start) == "missed"}
    missed = {d for d in range(1, days + 1) if cand.stage in TRIAL_STAGES
              and d not in filed and trial.lateness(d, now, start) == "missed"}
    return render_template("trial/reports.html", cand=cand, filed=filed, days=days, form=form,
                           closed=closed, missed=missed, photo_urls=photo_urls,
                           start=trial.trial_start(campaign))


def may_see_report(db, user, rep: DailyReport) -> bool:
    """Say whether the user may see a report: its author, staff in scope, its reviewers."""
    if user.role == "reviewer":
        return db.scalar(select(Review.id).where(
            Review.kind == "report", Review.item_id == rep.id,
            Review.reviewer_id == user.id).limit(1)) is not None
    return can_view_candidate(user, rep.candidate)


def photo_urls(rep: DailyReport) -> list[dict[str, str]]:
    """Return the thumbnail and full-size address of each photo of a report."""
    return [{"thumb": url_for("trial.report_photo", report_id=rep.id, n=n, size="thumb"),
             "full": url_for("trial.report_photo", report_id=rep.id, n=n)}
            for n in range(len(rep.photos or []))]


def _resized(data: bytes, side: int) -> bytes:
    """Re-encode a stored (already validated) photo as a JPEG at most `side` pixels across."""
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (side, side))  # JPEGs decode at a fraction of their size: fast
        try:
            img = ImageOps.exif_transpose(img) or img
        except (OSError, ValueError, SyntaxError):
            pass  # a broken EXIF block only loses the rotation hint
        img = img.convert("RGB")
        img.thumbnail((side, side))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
    return out.getvalue()


@bp.route("/trial/reports/<int:report_id>/photos/<int:n>")
@roles_required("candidate", "reviewer", "county_staff", "township_staff")
def report_photo(report_id: int, n: int) -> Response:
    """Send a report's photo (resized, metadata dropped) to whoever may see the report."""
    db = get_session()
    rep = db.get(DailyReport, report_id)
    if rep is None or not 0 <= n < len(rep.photos or []):
        abort(404)
    if not may_see_report(db, current_user, rep):
        abort(403)
    side = PHOTO_SIDES.get(request.args.get("size", "full"), PHOTO_SIDES["full"])
    try:
        data = _resized(get_storage().read(rep.photos[n]), side)
    except (OSError, ValueError):  # a file stored before photos were checked (e.g. HEIC)
        abort(404)
    return Response(data, mimetype="image/jpeg",
                    headers={"Cache-Control": "private, max-age=86400"})


@bp.route("/trial/activity", methods=["GET", "POST"])
@roles_required("county_staff", "township_staff")
def activity_page():
    """Import group activity and show the 7-day grid per candidate."""
    db, campaign = get_session(), current_campaign()
    form, summary = ConfirmForm(), None
    if form.validate_on_submit() and current_user.has_role("county_staff"):
        summary = _import(db, campaign)
    cands = _round2_in_scope(db)
    rows = activity.grid(db, campaign, _round2_in_scope(db, TRIAL_STAGES))
    return render_template("trial/activity.html", rows=rows, form=form, summary=summary,
                           unmatched=activity.unmatched_members(db), cands=cands,
                           linked=activity.linked_members(db, cands))


@bp.route("/trial/activity/link", methods=["POST"])
@roles_required("county_staff")  # a member's messages are a quarter of the round-2 score
def link_member():
    """Link an unmatched group member to a round-2 candidate of the staff's scope."""
    db, form = get_session(), ConfirmForm()
    member = (request.form.get("member") or "").strip()
    cand = db.get(Candidate, request.form.get("candidate_id", type=int) or 0)
    if not form.validate_on_submit() or not member or cand is None:
        flash(_("请选择群成员和对应的报名者"), "error")
        return redirect(url_for("trial.activity_page"))
    try:
        n = activity.link_member(db, current_user, member, cand)
        db.commit()
        flash(_("已将群成员“%(m)s”的 %(n)s 条活跃记录关联到 %(c)s", m=member, n=n, c=cand.name),
              "success")
    except activity.LinkError as err:
        db.rollback()
        flash(reason_text(err.code), "error")
    return redirect(url_for("trial.activity_page"))


@bp.route("/trial/activity/unlink", methods=["POST"])
@roles_required("county_staff")
def unlink_member():
    """Undo a wrong link: the member's activity goes back to the unmatched list."""
    db, form = get_session(), ConfirmForm()
    member = (request.form.get("member") or "").strip()
    cand = db.get(Candidate, request.form.get("candidate_id", type=int) or 0)
    if not form.validate_on_submit() or not member or cand is None:
        abort(400)
    try:
        n = activity.unlink_member(db, current_user, member, cand)
        db.commit()
        flash(_("已取消关联：群成员“%(m)s”的 %(n)s 条活跃记录不再计入 %(c)s", m=member, n=n,
                c=cand.name), "success")
    except activity.LinkError as err:
        db.rollback()
        flash(reason_text(err.code), "error")
    return redirect(url_for("trial.activity_page"))


TRIAL_STAGES = ("round2", "interview", "selected", "signed")  # everyone who ran the trial


def _round2_in_scope(db, stages: tuple[str, ...] = ("round2",)) -> list[Candidate]:
    """Return the candidates at these stages the user may see (township staff: their own)."""
    query = select(Candidate).where(Candidate.stage.in_(stages)).order_by(Candidate.id)
    if current_user.role == "township_staff":
        query = query.where(Candidate.township_id == current_user.township_id)
    return list(db.scalars(query))


def _import(db, campaign):
    """Run the activity import the form asked for."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(reason_text("empty_file"), "error")
        return None
    data, limit = upload.read(), current_app.config["IMPORT_MAX_BYTES"]
    try:
        if len(data) > limit:
            raise TableError("file_too_large", f"the file is larger than {limit >> 20} MB")
        if request.form.get("kind") == "csv":
            summary = activity.import_csv(db, campaign, upload.filename or "a.csv", data, limit)
        else:
            text = decode_text(data)  # WeChat on Windows saves GBK; phones save UTF-8
            summary = activity.import_chat(db, campaign, text, request.form.get("kind", "wechat"))
        db.commit()
        flash(_("已导入 %(n)s 条记录", n=summary.rows), "success")
        return summary
    except (TableError, UploadRefused) as err:
        db.rollback()
        flash(f"{reason_text(err.code)}：{err}", "error")
        return None
