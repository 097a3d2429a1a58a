"""The documents the studio exchanges: reformer-week/1, reformer-plan/1 and the clients CSV."""
