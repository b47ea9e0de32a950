"""experts.facts_version: changes with every write to an expert's matching facts (seconding/matches/pool.py)

Revision ID: e1f2a3b4c5d6
Revises: c8d3e4f5a6b7
Create Date: 2026-12-03 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'c8d3e4f5a6b7'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows start alike: a process's copy is empty when it starts, and every later write draws a new one.
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts_version', sa.BigInteger(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_column('facts_version')
