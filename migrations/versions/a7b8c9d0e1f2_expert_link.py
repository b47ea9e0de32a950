"""The expert's personal link: link tokens, proposed corrections, consent by the expert

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07 12:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'a7b8c9d0e1f2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'expert_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_to', sa.String(length=254), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_expert_links_created_by_id_users')),
        sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_links_expert_id_experts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_expert_links_token_hash')),
    )
    with op.batch_alter_table('expert_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_links_expert_id'), ['expert_id'], unique=False)
    op.create_table(
        'expert_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('link_id', sa.Integer(), nullable=True),
        sa.Column('proposed', sa.JSON(), nullable=False),
        sa.Column('expert_version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), server_default='', nullable=False),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')",
                           name=op.f('ck_expert_corrections_known_status')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_expert_corrections_decided_by_id_users')),
        sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_corrections_expert_id_experts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['link_id'], ['expert_links.id'],
                                name=op.f('fk_expert_corrections_link_id_expert_links'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_corrections')),
    )
    with op.batch_alter_table('expert_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_corrections_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index('ix_expert_corrections_pending', ['status', 'expert_id'], unique=False)
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('consent_refused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_withdrawn_at', sa.DateTime(timezone=True), nullable=True))
    # Consent recorded before this revision was an HR officer's, from the paper form.
    op.execute("UPDATE nominations SET consent_by = 'hr' WHERE consent_on IS NOT NULL")
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_by_expert', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_column('confirmed_by_expert')
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_column('consent_withdrawn_at')
        batch_op.drop_column('consent_refused_at')
        batch_op.drop_column('consent_by')
    with op.batch_alter_table('expert_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_corrections_pending')
        batch_op.drop_index(batch_op.f('ix_expert_corrections_expert_id'))
    op.drop_table('expert_corrections')
    with op.batch_alter_table('expert_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_links_expert_id'))
    op.drop_table('expert_links')
