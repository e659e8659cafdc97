"""Alembic environment: runs on the connection smartborder.service.db.upgrade passes in."""

from alembic import context
from sqlalchemy import create_engine

from smartborder.service.models import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:  # plain `alembic upgrade head` with sqlalchemy.url set
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: set sqlalchemy.url, or run migrations through smartborder.service.db.upgrade")
    with create_engine(url).begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
