"""Alembic's environment: the migrations run on the connection ``Store`` hands over.

``kiosk sandbox`` (and every ``Store``) upgrades its database at start; a technician can also
run ``alembic`` by hand with ``-x url=...`` (see docs/operations.md).
"""

from alembic import context
from sqlalchemy import create_engine

from kiosk.backend.schema import metadata
from kiosk.backend.store import database_url

connection = context.config.attributes.get("connection")
if connection is None:  # run from the alembic command line
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("give the database: alembic -x url=postgresql://... (or a .sqlite3 path)")
    with create_engine(database_url(url)).connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
