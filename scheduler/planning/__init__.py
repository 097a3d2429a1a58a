"""Planning a week: solve, carry places over, publish, and the owner's checked edits."""
