"""The expert's CV: education, employment history, computer skills, the five-skill language self-assessment;
nominations.motivation

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-12-07 11:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


LEVELS = ('A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native')
SKILLS = ('listening', 'reading', 'spoken_interaction', 'spoken_production', 'writing')


def upgrade():
    op.create_table(
        'expert_education',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.Enum('secondary', 'post_secondary', 'bachelor', 'master', 'doctorate', 'other',
                                   name='educationlevel', native_enum=False, length=20), nullable=False),
        sa.Column('field', sa.String(length=200), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('country', sa.String(length=100), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=True),
        sa.Column('degree', sa.String(length=200), nullable=False),
        sa.CheckConstraint('"end" IS NULL OR "end" >= start', name=op.f('ck_expert_education_end_after_start')),
        sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_education_expert_id_experts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_education')),
    )
    with op.batch_alter_table('expert_education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_education_expert_id'), ['expert_id'], unique=False)
    op.create_table(
        'expert_employment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('employer', sa.String(length=200), nullable=False),
        sa.Column('position', sa.String(length=200), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=True),
        sa.Column('duties', sa.Text(), nullable=False),
        sa.CheckConstraint('"end" IS NULL OR "end" >= start', name=op.f('ck_expert_employment_end_after_start')),
        sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_employment_expert_id_experts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_employment')),
    )
    with op.batch_alter_table('expert_employment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_employment_expert_id'), ['expert_id'], unique=False)
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('computer_skills', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('expert_languages', schema=None) as batch_op:
        for skill in SKILLS:
            batch_op.add_column(sa.Column(skill, sa.Enum(*LEVELS, name='cefrlevel', native_enum=False, length=6),
                                          nullable=True))
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('motivation', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_column('motivation')
    with op.batch_alter_table('expert_languages', schema=None) as batch_op:
        for skill in reversed(SKILLS):
            batch_op.drop_column(skill)
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_column('computer_skills')
    with op.batch_alter_table('expert_employment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_employment_expert_id'))
    op.drop_table('expert_employment')
    with op.batch_alter_table('expert_education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_education_expert_id'))
    op.drop_table('expert_education')
