"""Solve runs: their lifecycle (heartbeat, interruption) and the nightly re-solve."""
