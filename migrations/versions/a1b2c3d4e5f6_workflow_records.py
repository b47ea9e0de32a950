"""workflow records: each step's own date and late flag, interview and decision dates, cancelled tours

Revision ID: a1b2c3d4e5f6
Revises: f3a4b5c6d7e8
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d4e5f6'
down_revision = 'f3a4b5c6d7e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('nomination_events') as batch:
        batch.add_column(sa.Column('on_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('late', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    with op.batch_alter_table('nominations') as batch:
        batch.add_column(sa.Column('interviewed_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
    # The forwarding date of the nominations forwarded so far is their forwarding step's date.
    op.execute("UPDATE nomination_events SET on_date = (SELECT n.forwarded_on FROM nominations n "
               "WHERE n.id = nomination_events.nomination_id) WHERE to_status = 'forwarded'")
    with op.batch_alter_table('deployments') as batch:
        batch.drop_constraint(op.f('ck_deployments_ends_after_start'), type_='check')
        batch.create_check_constraint('ends_after_start', "end_date >= planned_start OR status = 'curtailed'")


def downgrade():
    with op.batch_alter_table('deployments') as batch:
        batch.drop_constraint(op.f('ck_deployments_ends_after_start'), type_='check')
        batch.create_check_constraint('ends_after_start', 'end_date >= planned_start')
    with op.batch_alter_table('nominations') as batch:
        batch.drop_column('decided_on')
        batch.drop_column('interviewed_on')
    with op.batch_alter_table('nomination_events') as batch:
        batch.drop_column('late')
        batch.drop_column('on_date')
