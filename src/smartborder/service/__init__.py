"""The operational services: an HTTP API (FastAPI) over a database (SQLAlchemy 2 + Alembic).

Shared base for every service — tokens and roles, the hash-chained audit log, database set-up —
plus the permit registry that applies seed 004's rules to real applications. Data flows
api → domain (``smartborder.rules``) → store.
"""
