"""positions.category (management / operational / key / other, the Compact's "100 % seconded" posts) and
nip_actions.indicator_figure (an indicator that follows a computed figure instead of typed values)

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade():
    # Existing positions were never categorised: they start as "other" until someone says otherwise.
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.Enum('management', 'operational', 'key', 'other',
                                                          name='positioncategory', native_enum=False, length=20),
                                      server_default='other', nullable=False))
    with op.batch_alter_table('nip_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicator_figure', sa.String(length=40), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('nip_actions', schema=None) as batch_op:
        batch_op.drop_column('indicator_figure')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('category')
