"""Duty of care: emergency contacts, mission locations' risk and 24/7 contact, the pre-deployment checklist, incidents

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-07 12:05:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
