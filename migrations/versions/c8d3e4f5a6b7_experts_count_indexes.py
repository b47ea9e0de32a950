"""the expert list from narrow indexes: pool status with availability, the search text in the name order's index

Revision ID: c8d3e4f5a6b7
Revises: b7c1d2e3f4a5
Create Date: 2026-12-03 13:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c8d3e4f5a6b7'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index('ix_experts_pool_status')
        batch_op.create_index('ix_experts_status_available', ['pool_status', 'available_from', 'id'], unique=False)
        batch_op.drop_index('ix_experts_name')
        batch_op.create_index('ix_experts_name', ['family_name', 'given_name', 'id', 'search_text'], unique=False)


def downgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index('ix_experts_name')
        batch_op.create_index('ix_experts_name', ['family_name', 'given_name', 'id'], unique=False)
        batch_op.drop_index('ix_experts_status_available')
        batch_op.create_index('ix_experts_pool_status', ['pool_status'], unique=False)
