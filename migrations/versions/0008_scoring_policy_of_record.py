"""the scoring rule a ranking was published under stays with it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

SCORING.md now fixes the survey prior p0 as a campaign value and clips normalised review
scores to 0..100. Rankings computed before that used the cohort's own confirmation rate and
no clipping; their facts and policy are marked with the rule they were computed under
(`survey_prior: null`, `clip_normalised: false`), so `grader score` recomputes them exactly.
"""
import json

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ranking = sa.table('ranking', sa.column('id', sa.Integer), sa.column('policy', sa.JSON),
                   sa.column('facts', sa.JSON))
EARLIER = {'round1': {'survey_prior': None}, 'reviews': {'clip_normalised': False}}


def _marked(policy, rule):
    """Return the policy with each key of the rule set where the policy does not say."""
    policy = json.loads(json.dumps(policy or {}))
    for section, values in rule.items():
        part = policy.setdefault(section, {})
        for key, value in values.items():
            part.setdefault(key, value)
    return policy


def _unmarked(policy):
    """Return the policy without the keys this revision added."""
    policy = json.loads(json.dumps(policy or {}))
    for section, values in EARLIER.items():
        for key in values:
            policy.get(section, {}).pop(key, None)
        if policy.get(section) == {}:
            del policy[section]  # a section this revision made for its mark alone
    return policy


def _rewrite(change):
    conn = op.get_bind()
    for rid, policy, facts in conn.execute(sa.select(ranking.c.id, ranking.c.policy,
                                                     ranking.c.facts)).all():
        facts = dict(facts or {})
        facts['policy'] = change(facts.get('policy'))
        conn.execute(ranking.update().where(ranking.c.id == rid).values(
            policy=change(policy), facts=facts))


def upgrade():
    _rewrite(lambda policy: _marked(policy, EARLIER))


def downgrade():
    _rewrite(_unmarked)
