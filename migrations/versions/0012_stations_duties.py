"""station sites and their allocation; villages and duty photos; township seat and 责任人

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-29

Townships choose station sites (选点) with a number of slots; the county confirms an allocation
of the selected partners to them (own township first, then those who accept reassignment).
Townships prove their publicity duties per village with photos. A township gains the name of
the person responsible for its targets and the coordinates of its seat (for the distance of a
reassignment).
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('township') as batch:
        batch.add_column(sa.Column('responsible', sa.String(64), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('lat', sa.Float(), nullable=True))
        batch.add_column(sa.Column('lng', sa.Float(), nullable=True))
    op.create_table(
        'station_site',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('township_id', sa.Integer(), sa.ForeignKey('township.id'), nullable=False),
        sa.Column('name', sa.String(64), nullable=False),
        sa.Column('address', sa.String(128), nullable=False),
        sa.Column('slots', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False))
    op.create_index('ix_station_site_township_id', 'station_site', ['township_id'])
    op.create_table(
        'station_allocation',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('candidate_id', sa.Integer(), sa.ForeignKey('candidate.id'), nullable=False,
                  unique=True),
        sa.Column('site_id', sa.Integer(), sa.ForeignKey('station_site.id'), nullable=True),
        sa.Column('outcome', sa.String(12), nullable=False),
        sa.Column('reason', sa.String(20), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=True),
        sa.CheckConstraint("outcome IN ('own', 'reassigned', 'unplaced')",
                           name='ck_station_allocation_outcome'))
    op.create_index('ix_station_allocation_site_id', 'station_allocation', ['site_id'])
    op.create_table(
        'village',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('township_id', sa.Integer(), sa.ForeignKey('township.id'), nullable=False),
        sa.Column('name', sa.String(64), nullable=False),
        sa.Column('large', sa.Boolean(), nullable=False),
        sa.UniqueConstraint('township_id', 'name'))
    op.create_index('ix_village_township_id', 'village', ['township_id'])
    op.create_table(
        'duty_photo',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('village_id', sa.Integer(), sa.ForeignKey('village.id'), nullable=False),
        sa.Column('duty', sa.String(10), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False, unique=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('mime', sa.String(64), nullable=False),
        sa.Column('storage_key', sa.String(100), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=True),
        sa.CheckConstraint("duty IN ('slogan', 'banner', 'notice', 'qr_code')",
                           name='ck_duty_photo_duty'))
    op.create_index('ix_duty_photo_village_id', 'duty_photo', ['village_id'])


def downgrade():
    op.drop_index('ix_duty_photo_village_id', table_name='duty_photo')
    op.drop_table('duty_photo')
    op.drop_index('ix_village_township_id', table_name='village')
    op.drop_table('village')
    op.drop_index('ix_station_allocation_site_id', table_name='station_allocation')
    op.drop_table('station_allocation')
    op.drop_index('ix_station_site_township_id', table_name='station_site')
    op.drop_table('station_site')
    with op.batch_alter_table('township') as batch:
        batch.drop_column('lng')
        batch.drop_column('lat')
        batch.drop_column('responsible')
