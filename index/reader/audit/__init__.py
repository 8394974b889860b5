"""Checks of a parsed report: the format's arithmetic and the text against the tables."""

from .arithmetic import audit

__all__ = ["audit"]
