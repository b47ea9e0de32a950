"""Jobs keep the network address of the request that started them, for the audit events they write

Revision ID: d1e2f3a4b5c6
Revises: d0e1f2a3b4c5
Create Date: 2026-12-07 17:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'd1e2f3a4b5c6'
down_revision = 'd0e1f2a3b4c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs') as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=45), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs') as batch_op:
        batch_op.drop_column('address')
