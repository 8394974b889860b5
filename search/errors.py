"""The read side's documented errors."""


class QueryError(ValueError):
    """A query or filter the user wrote cannot be understood; the message says why."""
