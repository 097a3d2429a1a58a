"""Settings, the database engine and session, the table models and their Alembic migrations."""
