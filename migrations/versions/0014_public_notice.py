"""the public announcement's objections, and ID numbers held for a staff check

Revision ID: 0014
Revises: 0010
Create Date: 2026-11-29

`objection`: anyone may object to a candidate on a stage's public list (公示); county staff
answer. `candidate.id_pending`: an ID number with a valid checksum whose region code
python-stdnum does not know for the birth year is registered as 待核实 until staff accept it.
"""
import sqlalchemy as sa
from alembic import op

import grader.models.base

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate') as batch:
        batch.add_column(sa.Column('id_pending', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        'objection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', grader.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', grader.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("stage IN ('online_exam', 'onsite_test', '1', '2', 'interview')",
                           name='ck_objection_stage'),
        sa.CheckConstraint("status IN ('open', 'upheld', 'rejected')",
                           name='ck_objection_status'),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id']),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_objection_candidate_id', 'objection', ['candidate_id'])
    op.create_index('ix_objection_status', 'objection', ['status'])


def downgrade():
    op.drop_index('ix_objection_status', table_name='objection')
    op.drop_index('ix_objection_candidate_id', table_name='objection')
    op.drop_table('objection')
    with op.batch_alter_table('candidate') as batch:
        batch.drop_column('id_pending')
