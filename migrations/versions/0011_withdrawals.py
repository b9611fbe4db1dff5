"""withdrawals, replacement offers and notices

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29

A candidate may leave the funnel at any stage (`withdrawal`, one a candidate, with the stage,
a named reason, who and when); a place left short is offered to the next of that stage's
published ranking (`replacement_offer`, with a deadline and the answer); staff send notices
to a stage's candidates (`notice`) and who was notified is kept (`notice_recipient`). The
states are written out as they stand at this revision.
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

STAGES = ('registered', 'onsite_test', 'round1', 'round2', 'interview', 'selected', 'signed')
REASONS = ('own_request', 'declined', 'no_show', 'unreachable', 'ineligible', 'no_station')
OFFER = ('open', 'accepted', 'declined', 'lapsed')
KINDS = ('exam', 'venue', 'results', 'offer', 'signing', 'other')
AUDIENCES = (*STAGES, 'open_offers', 'signing')


def _check(table: str, column: str, words: tuple) -> sa.CheckConstraint:
    listed = ", ".join(f"'{w}'" for w in words)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        'withdrawal',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('candidate_id', sa.Integer(), sa.ForeignKey('candidate.id'), nullable=False,
                  unique=True),
        sa.Column('stage', sa.String(16), nullable=False),
        sa.Column('reason', sa.String(16), nullable=False),
        sa.Column('note', sa.Text()),
        sa.Column('by_id', sa.Integer(), sa.ForeignKey('user_account.id')),
        _at('at'),
        _check('withdrawal', 'stage', STAGES), _check('withdrawal', 'reason', REASONS))
    op.create_index('ix_withdrawal_stage', 'withdrawal', ['stage'])
    op.create_table(
        'replacement_offer',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('stage', sa.String(16), nullable=False),
        sa.Column('candidate_id', sa.Integer(), sa.ForeignKey('candidate.id'), nullable=False),
        sa.Column('ranking_id', sa.Integer(), sa.ForeignKey('ranking.id')),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('withdrawal_id', sa.Integer(), sa.ForeignKey('withdrawal.id')),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('offered_by_id', sa.Integer(), sa.ForeignKey('user_account.id')),
        _at('offered_at'), _at('deadline'), _at('answered_at', True),
        sa.Column('answered_by_id', sa.Integer(), sa.ForeignKey('user_account.id')),
        sa.Column('note', sa.Text()),
        sa.UniqueConstraint('stage', 'candidate_id'),
        _check('replacement_offer', 'stage', STAGES), _check('replacement_offer', 'status', OFFER))
    for column in ('stage', 'candidate_id', 'withdrawal_id', 'status'):
        op.create_index(f'ix_replacement_offer_{column}', 'replacement_offer', [column])
    op.create_table(
        'notice',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('audience', sa.String(16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), sa.ForeignKey('user_account.id')),
        _at('sent_at'),
        sa.Column('recipients', sa.Integer(), nullable=False),
        _check('notice', 'kind', KINDS), _check('notice', 'audience', AUDIENCES))
    op.create_table(
        'notice_recipient',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('notice_id', sa.Integer(), sa.ForeignKey('notice.id'), nullable=False),
        sa.Column('candidate_id', sa.Integer(), sa.ForeignKey('candidate.id'), nullable=False),
        sa.Column('phone', sa.String(20)),
        sa.UniqueConstraint('notice_id', 'candidate_id'))
    op.create_index('ix_notice_recipient_notice_id', 'notice_recipient', ['notice_id'])
    op.create_index('ix_notice_recipient_candidate_id', 'notice_recipient', ['candidate_id'])


def downgrade():
    op.drop_table('notice_recipient')
    op.drop_table('notice')
    op.drop_table('replacement_offer')
    op.drop_table('withdrawal')
