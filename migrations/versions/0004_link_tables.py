"""links as tables: panel members, shared-number decisions, report photos, group-member links

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Each of these was JSON (or strings in a JSON list, or audit-log rows); the upgrade carries
the facts over into tables with foreign keys, and the downgrade puts them back.
"""
from collections import defaultdict
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import grader.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

DECIDED = "phone_decision:"  # how 0003 kept a shared-number decision in survey_form.hints

panel = sa.table('interview_panel', sa.column('id', sa.Integer), sa.column('members', sa.JSON))
report = sa.table('daily_report', sa.column('id', sa.Integer), sa.column('photos', sa.JSON),
                  sa.column('submitted_at', grader.models.base.UTCDateTime(timezone=True)))
form = sa.table('survey_form', sa.column('id', sa.Integer), sa.column('candidate_id', sa.Integer),
                sa.column('phone_e164', sa.String), sa.column('hints', sa.JSON))
audit = sa.table('audit_log', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                 sa.column('action', sa.String), sa.column('entity_id', sa.Integer),
                 sa.column('field', sa.String), sa.column('before', sa.JSON),
                 sa.column('after', sa.JSON), sa.column('reason', sa.Text),
                 sa.column('at', grader.models.base.UTCDateTime(timezone=True)))
user = sa.table('user_account', sa.column('id', sa.Integer))


def upgrade() -> None:
    conn = op.get_bind()
    members = _old_members(conn)
    photos = _old_photos(conn)
    decisions = _old_decisions(conn)
    links = _old_links(conn)
    _create_tables()
    # plain ALTERs (SQLite 3.35+ drops a column in place): a batch copy of a table that
    # other rows point at would break their foreign keys on SQLite
    op.drop_column('interview_panel', 'members')
    op.drop_column('daily_report', 'photos')
    op.bulk_insert(_t('interview_panel_member'), members)
    op.bulk_insert(_t('report_photo'), photos)
    op.bulk_insert(_t('shared_phone_decision'), decisions)
    op.bulk_insert(_t('group_member_link'), links)
    _strip_decided_hints(conn)


def _t(name: str) -> sa.Table:
    """Return a new table as the database has it now."""
    return sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())


def _old_members(conn) -> list[dict]:
    """Read each panel's JSON list of user ids as rows (unknown users dropped)."""
    users = set(conn.scalars(sa.select(user.c.id)))
    rows = []
    for panel_id, ids in conn.execute(sa.select(panel.c.id, panel.c.members)):
        for uid in dict.fromkeys(ids or ()):
            if uid in users:
                rows.append({"panel_id": panel_id, "user_id": uid})
    return rows


def _old_photos(conn) -> list[dict]:
    """Read each report's storage keys as photo records (a key ends with the sha256)."""
    rows = []
    for report_id, keys, at in conn.execute(sa.select(report.c.id, report.c.photos,
                                                      report.c.submitted_at)):
        for position, key in enumerate(dict.fromkeys(keys or ())):
            rows.append({"report_id": report_id, "position": position, "storage_key": key,
                         "sha256": key.rsplit("/", 1)[-1], "size": None, "mime": None,
                         "uploaded_at": at})
    return rows


def _old_decisions(conn) -> list[dict]:
    """Read the decisions kept in forms' hints, with who decided, why and when from the log."""
    marks: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for fid, cid, phone, hints in conn.execute(sa.select(
            form.c.id, form.c.candidate_id, form.c.phone_e164, form.c.hints)):
        word = next((h[len(DECIDED):] for h in hints or () if h.startswith(DECIDED)), None)
        if word and phone:
            marks[phone].append((fid, cid, word))
    logged = {row.field: row for row in conn.execute(sa.select(audit).where(
        audit.c.action == "resolve_shared_phone").order_by(audit.c.id))}
    rows = []
    for phone, marked in marks.items():
        keeper = next((cid for _f, cid, word in marked if word == "keep"), None)
        if keeper is None and all(word == "other" for _f, _c, word in marked):
            continue  # the keeper's own form is gone: nothing left to say who keeps it
        log = next((logged[f"survey_form:{fid}"] for fid, _c, _w in marked
                    if f"survey_form:{fid}" in logged), None)
        rows.append({"phone_e164": phone, "keeper_id": keeper,
                     "last_form_id": max(fid for fid, _c, _w in marked),
                     "decided_by_id": log.user_id if log else None,
                     "reason": (log.reason or "") if log else "",
                     "decided_at": log.at if log else datetime.now(UTC)})
    return rows


def _old_links(conn) -> list[dict]:
    """Replay the audit log's links and unlinks: each member's last word stays."""
    last: dict[str, dict] = {}
    for row in conn.execute(sa.select(audit).where(audit.c.action.in_(
            ["link_group_member", "unlink_group_member"])).order_by(audit.c.id)):
        linked = row.action == "link_group_member"
        member = row.after if linked else row.before
        if isinstance(member, str) and member:
            last[member] = {"member": member, "candidate_id": row.entity_id, "linked": linked,
                            "linked_by_id": row.user_id, "linked_at": row.at}
    return list(last.values())


def _strip_decided_hints(conn) -> None:
    """Drop the decision strings from forms' hints: the table holds them now."""
    for fid, hints in conn.execute(sa.select(form.c.id, form.c.hints)):
        kept = [h for h in hints or () if not h.startswith(DECIDED)]
        if kept != list(hints or ()):
            conn.execute(form.update().where(form.c.id == fid).values(hints=kept))


def _create_tables() -> None:
    op.create_table('interview_panel_member',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['interview_panel.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('panel_id', 'user_id')
    )
    with op.batch_alter_table('interview_panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_panel_member_user_id'), ['user_id'], unique=False)

    op.create_table('report_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('mime', sa.String(length=80), nullable=True),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', grader.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['daily_report.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'position'),
    sa.UniqueConstraint('report_id', 'sha256')
    )
    with op.batch_alter_table('report_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_photo_report_id'), ['report_id'], unique=False)

    op.create_table('shared_phone_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone_e164', sa.String(length=20), nullable=False),
    sa.Column('keeper_id', sa.Integer(), nullable=True),
    sa.Column('last_form_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', grader.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['keeper_id'], ['candidate.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phone_e164')
    )
    op.create_table('group_member_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member', sa.String(length=64), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('linked', sa.Boolean(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', grader.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['linked_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('member')
    )
    with op.batch_alter_table('group_member_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_link_candidate_id'), ['candidate_id'], unique=False)


def downgrade() -> None:
    conn = op.get_bind()
    # plain ALTERs, as in the upgrade; SQLite adds a NOT NULL column only with a default
    op.add_column('interview_panel', sa.Column('members', sa.JSON(), nullable=False,
                                               server_default='[]'))
    op.add_column('daily_report', sa.Column('photos', sa.JSON(), nullable=False,
                                            server_default='[]'))
    _restore_members(conn)
    _restore_photos(conn)
    _restore_decided_hints(conn)
    # group_member_link needs no copy: 0003 read links from the activity rows and audit log
    with op.batch_alter_table('group_member_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_member_link_candidate_id'))
    op.drop_table('group_member_link')
    op.drop_table('shared_phone_decision')
    with op.batch_alter_table('report_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_photo_report_id'))
    op.drop_table('report_photo')
    with op.batch_alter_table('interview_panel_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_panel_member_user_id'))
    op.drop_table('interview_panel_member')


def _restore_members(conn) -> None:
    """Write each panel's members back as a JSON list of user ids."""
    held = defaultdict(list)
    for panel_id, uid in conn.execute(sa.text(
            "SELECT panel_id, user_id FROM interview_panel_member ORDER BY user_id")):
        held[panel_id].append(uid)
    for (panel_id,) in conn.execute(sa.select(panel.c.id)):
        conn.execute(panel.update().where(panel.c.id == panel_id)
                     .values(members=held[panel_id]))


def _restore_photos(conn) -> None:
    """Write each report's photos back as a JSON list of storage keys."""
    held = defaultdict(list)
    for report_id, key in conn.execute(sa.text(
            "SELECT report_id, storage_key FROM report_photo ORDER BY report_id, position")):
        held[report_id].append(key)
    for (report_id,) in conn.execute(sa.select(report.c.id)):
        conn.execute(report.update().where(report.c.id == report_id)
                     .values(photos=held[report_id]))


def _restore_decided_hints(conn) -> None:
    """Put each covered form's decision back into its hints."""
    for phone, keeper, last in conn.execute(sa.text(
            "SELECT phone_e164, keeper_id, last_form_id FROM shared_phone_decision")):
        covered = {cid for (cid,) in conn.execute(sa.select(form.c.candidate_id).where(
            form.c.phone_e164 == phone, form.c.id <= last))}
        for fid, cid, hints in conn.execute(sa.select(
                form.c.id, form.c.candidate_id, form.c.hints).where(form.c.phone_e164 == phone)):
            if cid in covered:
                word = "shared" if keeper is None else "keep" if cid == keeper else "other"
                conn.execute(form.update().where(form.c.id == fid).values(
                    hints=list(hints or ()) + [DECIDED + word]))
