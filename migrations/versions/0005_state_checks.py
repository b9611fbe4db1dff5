"""named states: a CHECK constraint on every column that holds one

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Stages, roles, verdicts, statuses, kinds and outcomes were free text; each column now
accepts only the words grader/models/states.py names. The words are written out here, as
they stood at this revision, so a later change of the states needs a migration of its own.
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CHECKS = {
    'candidate': {
        'stage': ('registered', 'onsite_test', 'round1', 'round2', 'interview', 'selected',
                  'signed'),
        'channel': ('online', 'onsite', 'wechat')},
    'user_account': {
        'role': ('candidate', 'township_staff', 'county_staff', 'reviewer', 'interviewer',
                 'admin')},
    'evidence_item': {
        'task': ('wechat_share', 'app_download', 'plan'),
        'status': ('pending', 'accept', 'reject', 'review', 'superseded')},
    'appeal': {'status': ('open', 'upheld', 'rejected')},
    'exam_import': {'kind': ('online_exam', 'onsite_test')},
    'review': {'kind': ('plan', 'report')},
    'ranking': {'round': ('1', '2', 'interview'),
                'status': ('draft', 'published', 'superseded', 'amended')},
    'daily_report': {'lateness': ('on_time', 'late', 'missed')},
    'signing': {'status': ('pending', 'signed')},
    'survey_form': {'source': ('form', 'import')},
    'spot_check': {'outcome': ('confirmed', 'denied', 'wrong_number', 'unreachable',
                               'refused')},
}


def upgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column, words in columns.items():
                listed = ", ".join(f"'{w}'" for w in words)
                batch.create_check_constraint(f'ck_{table}_{column}', f'{column} IN ({listed})')


def downgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_constraint(f'ck_{table}_{column}', type_='check')
