"""The write side's one documented error."""


class ParseError(Exception):
    """A file or text that cannot be read as a report; the message names the file and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
