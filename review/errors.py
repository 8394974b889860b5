"""What can go wrong at the desk, each said in Chinese to the person who did it."""

from __future__ import annotations


class ReviewError(Exception):
    """A request the desk refuses; the message is for the person who made it."""


class DatabaseError(ReviewError):
    """The review database cannot be opened or is of a newer version (the message says which)."""


class Conflict(ReviewError):
    """Someone else changed the same finding or cell since this person looked: nothing was written."""


class Invalid(ReviewError):
    """A value, a transition or a file the desk cannot take (the message says why)."""


class LoginFailed(ReviewError):
    """A wrong name or password, or too many attempts."""
