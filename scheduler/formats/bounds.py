"""The bounds a studio could mean, for every number, text and list the formats take in.

The week and scenario models, the clients CSV and the owner's forms all read
them from here, so a value one of them takes in is one every other takes too.
Each bound is (lowest, highest), both allowed.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

WEEK_YEARS = (2000, 2999)  # a week starts in one of these years
PRIORITY = (1, 100)
MAX_PER_DAY = (1, 10)
MISSED_WEEKS = (0, 52)  # of the last few weeks, those without a want met
PER_WEEK = (1, 20)
CLASS_MINUTES = (10, 480)
CLASS_SIZE = (1, 100)  # max_size; min_size runs from 0 to max_size
MAT_SPACES = (0, 200)
TRAVEL_MINUTES = (0, 480)
DAY_MINUTES = (0, 1440)
WEEK_MINUTES = (0, 10080)
GRID_MINUTES = (5, 60)
REFORMERS_PER_ROOM = 200  # also the most a scenario adds or removes at once
DEMAND_PERCENT = (-100, 300)  # above -100: demand can shrink to nearly none or grow 4 times
SEED = (0, 2**32 - 1)
PRICE_POUNDS = (0, 1000)

# How many of each a week holds.
VENUES = 100
ROOMS_PER_VENUE = 50
CLASS_TYPES = 200
INSTRUCTORS = 500
CLIENTS = 20_000
PINNED_SESSIONS = 10_000
PINNED_ALLOCATIONS = 100_000
WINDOWS = 100  # opening hours or availability windows of one venue, instructor or client
ITEMS = 100  # any other short list: features, levels, venues of a client, wants, teaches...

# How long a text is.
ID_LENGTH = 80
NAME_LENGTH = 120
EMAIL_LENGTH = 254
PHONE_LENGTH = 40

# One line each: an e-mail address is `local@domain.tld`, no spaces or line breaks.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^[0-9+()#*. -]+$"


@cache
def time_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows (`Europe/London`)."""
    return frozenset(available_timezones())
