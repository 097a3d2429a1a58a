"""The week after publishing: cancellations, make-ups, drop-ins, the waitlist, intros, the register.

life.py       what a published week holds now (its plan, less and plus the week's life)
rules.py      whether a new place keeps every hard rule (the checker, on a part of the plan)
policy.py     the studio's cut-off, credits' life and drop-ins
booking.py    taking a free space (a make-up or a drop-in)
waitlist.py   waiting for a full class, and who gets a freed space
cancel.py     giving up a place for one date
intros.py     a new client's intro 1-2-1: the free times, and booking one
mail.py       the e-mails of it all
my_week.py    a client's week as it stands: what they may cancel, book and wait for
timetable.py  the public timetable, its spaces as the week stands
register.py   who came to a class: marked by its instructor or the owner
history.py    a client's history across weeks: attended, missed, given up, booked
since_publishing.py   a published week's life, for the owner's week page
"""
