"""After the tour: debriefs and end-of-tour appraisals

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-07 12:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'debriefs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('held_by_id', sa.Integer(), nullable=True),
        sa.Column('held_by_name', sa.String(length=200), nullable=False),
        sa.Column('lessons', sa.Text(), nullable=False),
        sa.Column('go_again', sa.Enum('yes', 'no', 'not_sure', name='goagain', native_enum=False, length=20),
                  nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint("held_by_id IS NOT NULL OR held_by_name <> ''", name=op.f('ck_debriefs_held_by_someone')),
        sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'],
                                name=op.f('fk_debriefs_deployment_id_deployments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['held_by_id'], ['users.id'], name=op.f('fk_debriefs_held_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_debriefs')),
        sa.UniqueConstraint('deployment_id', name=op.f('uq_debriefs_deployment_id')),
    )
    op.create_table(
        'appraisals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('assessment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'],
                                name=op.f('fk_appraisals_deployment_id_deployments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisals')),
        sa.UniqueConstraint('deployment_id', name=op.f('uq_appraisals_deployment_id')),
    )
    op.create_table(
        'appraisal_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appraisal_id', sa.Integer(), nullable=False),
        sa.Column('competency', sa.String(length=40), nullable=False),
        sa.Column('rating', sa.Enum('exceeds', 'meets', 'below', name='rating', native_enum=False, length=10),
                  nullable=False),
        sa.ForeignKeyConstraint(['appraisal_id'], ['appraisals.id'],
                                name=op.f('fk_appraisal_ratings_appraisal_id_appraisals'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_ratings')),
        sa.UniqueConstraint('appraisal_id', 'competency', name=op.f('uq_appraisal_ratings_appraisal_id_competency')),
    )
    with op.batch_alter_table('appraisal_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_ratings_appraisal_id'), ['appraisal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appraisal_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_ratings_appraisal_id'))
    op.drop_table('appraisal_ratings')
    op.drop_table('appraisals')
    op.drop_table('debriefs')
