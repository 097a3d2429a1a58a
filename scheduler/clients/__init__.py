"""What a client sees and does: sign-in links, their week, preferences, calendar feed, mail."""
