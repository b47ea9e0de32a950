"""Duty of care: emergency contacts, mission locations' risk and 24/7 contact, the pre-deployment checklist, incidents

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-07 12:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def _stamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('version', sa.Integer(), nullable=False)]


def upgrade():
    op.create_table(
        'emergency_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('relation', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=50), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('next_of_kin', sa.Boolean(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_emergency_contacts_expert_id_experts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_contacts')),
    )
    with op.batch_alter_table('emergency_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emergency_contacts_expert_id'), ['expert_id'], unique=False)
    op.create_table(
        'mission_locations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('risk_level', sa.Enum('low', 'moderate', 'high', 'very_high', name='risklevel', native_enum=False,
                                        length=20), nullable=False),
        sa.Column('contact_name', sa.String(length=200), nullable=False),
        sa.Column('contact_phone', sa.String(length=50), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_mission_locations_mission_id_missions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mission_locations')),
        sa.UniqueConstraint('mission_id', 'name', name=op.f('uq_mission_locations_mission_id_name')),
    )
    with op.batch_alter_table('mission_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mission_locations_mission_id'), ['mission_id'], unique=False)
    items = ('medical', 'insurance', 'travel_documents', 'equipment', 'security_briefing')
    op.create_table(
        'deployment_care',
        sa.Column('deployment_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        *[column for item in items for column in (sa.Column(f'{item}_on', sa.Date(), nullable=True),
                                                  sa.Column(f'{item}_note', sa.String(length=300), nullable=False))],
        sa.Column('override_reason', sa.Text(), nullable=False),
        sa.Column('override_by_id', sa.Integer(), nullable=True),
        sa.Column('override_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'],
                                name=op.f('fk_deployment_care_deployment_id_deployments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['location_id'], ['mission_locations.id'],
                                name=op.f('fk_deployment_care_location_id_mission_locations'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['override_by_id'], ['users.id'],
                                name=op.f('fk_deployment_care_override_by_id_users')),
        sa.PrimaryKeyConstraint('deployment_id', name=op.f('pk_deployment_care')),
    )
    with op.batch_alter_table('deployment_care', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deployment_care_location_id'), ['location_id'], unique=False)
    op.create_table(
        'incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deployment_id', sa.Integer(), nullable=False),
        sa.Column('occurred_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.Enum('security', 'health', 'accident', 'conduct', 'other', name='incidentkind',
                                  native_enum=False, length=20), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('follow_up', sa.Text(), nullable=False),
        sa.Column('informed', sa.Text(), nullable=False),
        sa.Column('reported_by_id', sa.Integer(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'],
                                name=op.f('fk_incidents_deployment_id_deployments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_incidents_reported_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_deployment_id'), ['deployment_id'], unique=False)


def downgrade():
    for table, column in (('incidents', 'deployment_id'), ('deployment_care', 'location_id'),
                          ('mission_locations', 'mission_id'), ('emergency_contacts', 'expert_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
