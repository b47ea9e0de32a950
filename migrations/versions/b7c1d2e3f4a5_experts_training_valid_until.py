"""the expert list's filters from indexes: experts.training_valid_until (each expert's mandatory training in one
column), the language index

Revision ID: b7c1d2e3f4a5
Revises: 94f6fd6755cb
Create Date: 2026-12-03 10:40:00.000000

"""
from collections import defaultdict
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '94f6fd6755cb'
branch_labels = None
depends_on = None

NEVER = date(9999, 12, 31)


def upgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('training_valid_until', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_experts_training_valid_until'), ['training_valid_until'], unique=False)
    with op.batch_alter_table('expert_languages', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_languages_code')
        batch_op.create_index('ix_expert_languages_level', ['code', 'level', 'expert_id'], unique=False)
    # Fill it from the records, as seconding/training/summary.py keeps it: the earliest, over the mandatory
    # courses, of each course's latest expiry (NEVER when none expires), NULL while one has no record.
    conn = op.get_bind()
    courses = sa.table('courses', sa.column('id', sa.Integer), sa.column('mandatory', sa.Boolean))
    records = sa.table('training_records', sa.column('expert_id', sa.Integer), sa.column('course_id', sa.Integer),
                       sa.column('expires_on', sa.Date))
    experts = sa.table('experts', sa.column('id', sa.Integer), sa.column('training_valid_until', sa.Date))
    mandatory = set(conn.scalars(sa.select(courses.c.id).where(courses.c.mandatory)))
    if not mandatory:
        return
    best: dict[int, dict[int, date]] = defaultdict(dict)
    for expert_id, course_id, expires_on in conn.execute(
            sa.select(records.c.expert_id, records.c.course_id, records.c.expires_on)):
        if course_id in mandatory:
            held = best[expert_id]
            held[course_id] = max(held.get(course_id, date.min), expires_on or NEVER)
    values = [{"expert_id": e, "until": min(held.values())} for e, held in best.items() if len(held) == len(mandatory)]
    if values:
        conn.execute(experts.update().where(experts.c.id == sa.bindparam("expert_id"))
                     .values(training_valid_until=sa.bindparam("until")), values)


def downgrade():
    with op.batch_alter_table('expert_languages', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_languages_level')
        batch_op.create_index('ix_expert_languages_code', ['code'], unique=False)
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experts_training_valid_until'))
        batch_op.drop_column('training_valid_until')
