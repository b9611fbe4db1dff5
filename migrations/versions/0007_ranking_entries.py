"""ranking entries and list-page indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10

A published ranking keeps one row per candidate in `ranking_entry`, so a candidate's result is
one indexed read and the ranking list never parses result bodies (`ranking.size` counts the
rows). The upgrade reads each existing ranking's JSON once: the size for every ranking, the
entries for those that were published (published or amended). The result JSON stays the
record. Indexes for the list pages: the review queue by status then id, evidence by
candidate and task, a candidate by account.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ranking = sa.table('ranking', sa.column('id', sa.Integer), sa.column('status', sa.String),
                   sa.column('result', sa.JSON), sa.column('size', sa.Integer))
candidate = sa.table('candidate', sa.column('id', sa.Integer), sa.column('reg_no', sa.String))
WAS_PUBLISHED = ('published', 'amended')


def upgrade() -> None:
    with op.batch_alter_table('ranking') as batch:
        batch.add_column(sa.Column('size', sa.Integer(), nullable=False, server_default='0'))
    entry = op.create_table(
        'ranking_entry',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('ranking_id', sa.Integer(), sa.ForeignKey('ranking.id'), nullable=False),
        sa.Column('candidate_id', sa.Integer(), sa.ForeignKey('candidate.id'), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('advance', sa.Boolean(), nullable=False),
        sa.Column('row', sa.JSON(), nullable=False),
        sa.UniqueConstraint('ranking_id', 'candidate_id'))
    op.create_index('ix_ranking_entry_ranking_id', 'ranking_entry', ['ranking_id'])
    op.create_index('ix_ranking_entry_candidate_id', 'ranking_entry', ['candidate_id'])
    op.create_index('ix_evidence_item_status_id', 'evidence_item', ['status', 'id'])
    op.create_index('ix_evidence_item_candidate_task_id', 'evidence_item',
                    ['candidate_id', 'task', 'id'])
    op.create_index('ix_candidate_user_id', 'candidate', ['user_id'])
    _carry_over(op.get_bind(), entry)


def _carry_over(conn, entry) -> None:
    """Fill sizes and the published rankings' entries, reading each result once."""
    ids = dict(conn.execute(sa.select(candidate.c.reg_no, candidate.c.id)).all())
    for rid, status, result in conn.execute(
            sa.select(ranking.c.id, ranking.c.status, ranking.c.result)).all():
        rows = (result or {}).get('ranking', [])
        conn.execute(ranking.update().where(ranking.c.id == rid).values(size=len(rows)))
        if status in WAS_PUBLISHED and rows:
            conn.execute(entry.insert(), [
                {'ranking_id': rid, 'candidate_id': ids[r['id']], 'rank': r['rank'],
                 'score': r['score'], 'advance': bool(r['advance']), 'row': r}
                for r in rows if r['id'] in ids])


def downgrade() -> None:
    op.drop_index('ix_candidate_user_id', 'candidate')
    op.drop_index('ix_evidence_item_candidate_task_id', 'evidence_item')
    op.drop_index('ix_evidence_item_status_id', 'evidence_item')
    op.drop_table('ranking_entry')
    with op.batch_alter_table('ranking') as batch:
        batch.drop_column('size')
