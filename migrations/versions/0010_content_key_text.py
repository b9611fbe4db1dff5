"""an evidence item's content key holds the whole post it was read from

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29

`content_key` is the JSON of a screenshot's fields (post time, card, text lines, clock), up to
a few hundred characters; VARCHAR(200) refused the longer ones on PostgreSQL, so their check
failed. It becomes TEXT.
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_item') as batch:
        batch.alter_column('content_key', type_=sa.Text(), existing_type=sa.String(200),
                           existing_nullable=True)


def downgrade():
    with op.batch_alter_table('evidence_item') as batch:
        batch.alter_column('content_key', type_=sa.String(200), existing_type=sa.Text(),
                           existing_nullable=True)
