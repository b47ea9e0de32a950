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


def upgrade():
    pass


def downgrade():
    pass
