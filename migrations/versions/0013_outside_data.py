"""outside data: uploaded tables kept for confirmation, channel records, operator figures

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-29

Registrations from the platform operator's own recruitment site come in from its export
(channel `operator`; a candidate already registered with us keeps their first channel and gets
a `channel_record` row for the operator's). An uploaded table waits in `table_upload` between
its preview and its confirmation. `operator_figure` holds the operator's daily export of the
trial figures, the figures of record beside the candidate's self-reported daily report.
"""
import sqlalchemy as sa
from alembic import op

import grader.models.base

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHANNELS_BEFORE = ('online', 'onsite', 'wechat')
CHANNELS = CHANNELS_BEFORE + ('operator',)
PURPOSES = ('online_exam', 'onsite_test', 'registrations', 'operator_figures')


def _words(words):
    return ", ".join(f"'{w}'" for w in words)


def _channel_check(words):
    with op.batch_alter_table('candidate') as batch:
        batch.drop_constraint('ck_candidate_channel', type_='check')
        batch.create_check_constraint('ck_candidate_channel', f'channel IN ({_words(words)})')


def upgrade():
    _channel_check(CHANNELS)
    when = grader.models.base.UTCDateTime(timezone=True)
    op.create_table(
        'table_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(20), nullable=False),
        sa.Column('filename', sa.String(200), nullable=False),
        sa.Column('storage_key', sa.String(100), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', when, nullable=False),
        sa.Column('applied_at', when, nullable=True),
        sa.Column('applied_rows', sa.Integer(), nullable=True),
        sa.CheckConstraint(f'purpose IN ({_words(PURPOSES)})', name='ck_table_upload_purpose'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'channel_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(10), nullable=False),
        sa.Column('upload_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', when, nullable=False),
        sa.CheckConstraint(f'channel IN ({_words(CHANNELS)})', name='ck_channel_record_channel'),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id']),
        sa.ForeignKeyConstraint(['upload_id'], ['table_upload.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('candidate_id', 'channel'))
    op.create_index('ix_channel_record_candidate_id', 'channel_record', ['candidate_id'])
    op.create_table(
        'operator_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('sales_yuan', sa.Float(), nullable=False),
        sa.Column('villagers_served', sa.Integer(), nullable=False),
        sa.Column('app_activations', sa.Integer(), nullable=False),
        sa.Column('upload_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', when, nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id']),
        sa.ForeignKeyConstraint(['upload_id'], ['table_upload.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('candidate_id', 'day'))
    op.create_index('ix_operator_figure_candidate_id', 'operator_figure', ['candidate_id'])


def downgrade():
    op.drop_index('ix_operator_figure_candidate_id', table_name='operator_figure')
    op.drop_table('operator_figure')
    op.drop_index('ix_channel_record_candidate_id', table_name='channel_record')
    op.drop_table('channel_record')
    op.drop_table('table_upload')
    # registrations that came only from the operator's site cannot stay under the old CHECK
    op.execute("UPDATE candidate SET channel = 'online' WHERE channel = 'operator'")
    _channel_check(CHANNELS_BEFORE)
