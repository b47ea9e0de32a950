"""PostgreSQL only: experts by clearance, and the search text by trigrams (pg_trgm), for the expert list's counts

Revision ID: f3a4b5c6d7e8
Revises: e1f2a3b4c5d6
Create Date: 2026-12-03 21:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a4b5c6d7e8'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite would drive the list's page from these and sort (docs/decisions.md)
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public')
    op.create_index('ix_experts_clearance', 'experts', ['clearance_level', 'clearance_expires', 'id'], unique=False)
    op.create_index('ix_experts_search_trigram', 'experts', ['search_text'], unique=False, postgresql_using='gin',
                    postgresql_ops={'search_text': 'public.gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_experts_search_trigram', table_name='experts')
    op.drop_index('ix_experts_clearance', table_name='experts')
