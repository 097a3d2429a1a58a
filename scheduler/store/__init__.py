"""Weeks and plans in the database: save, load, copy forward, publish a version."""
