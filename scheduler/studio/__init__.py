"""The studio's own data: venues, rooms, class types, instructors, clients, sign-ins, the demo."""
