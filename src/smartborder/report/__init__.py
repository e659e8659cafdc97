"""Turning results into things people read: figures and tables."""
