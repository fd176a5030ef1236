"""Everything about persistence: the engine, the tables, migrations and the repositories.

The database is *given* a location (a SQLAlchemy URL), never finds one itself.  SQLite-only SQL
(PRAGMAs, the backup API, integrity checks) lives in ``app.storage.sqlite`` and nowhere else.
"""
