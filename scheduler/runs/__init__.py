"""Solve runs in the database: claimed, kept alive by a heartbeat, failed when interrupted."""
