"""account sessions: a session version and a must-change-password flag

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A session cookie names the account and its session version; logging out, changing the
password or the role, or deactivating the account bumps the version, so every older cookie
stops working. A password a staff member reset must be changed at the next login.
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                   server_default='1'))
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('must_change_password')
        batch.drop_column('session_version')
