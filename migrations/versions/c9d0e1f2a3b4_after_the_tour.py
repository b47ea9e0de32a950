"""After the tour: debriefs and end-of-tour appraisals

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-07 12:05:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
