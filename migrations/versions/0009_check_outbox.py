"""an outbox of checks to queue, so no upload is left pending without a job

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

An upload writes its items and one `check_outbox` row per item in the same transaction; the
job is queued after the commit and `queued_at` set. The sweeper queues again any pending item
with no job queued or begun within its window (a lost message, a dead worker, a queue that
was down). Items pending when this revision runs get a row each, never queued, so the first
sweep queues them.
"""
import sqlalchemy as sa
from alembic import op

import grader.models.base

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

WAITING_TASKS = ('wechat_share', 'app_download', 'plan')


def upgrade():
    op.create_table(
        'check_outbox',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('created_at', grader.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('queued_at', grader.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['evidence_item.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id'))
    item = sa.table('evidence_item', sa.column('id', sa.Integer), sa.column('status', sa.String),
                    sa.column('task', sa.String), sa.column('submitted_at', sa.DateTime))
    outbox = sa.table('check_outbox', sa.column('item_id', sa.Integer),
                      sa.column('created_at', sa.DateTime))
    op.execute(outbox.insert().from_select(
        ['item_id', 'created_at'],
        sa.select(item.c.id, item.c.submitted_at).where(
            item.c.status == 'pending', item.c.task.in_(WAITING_TASKS))))


def downgrade():
    op.drop_table('check_outbox')
