"""Reading a published report: file formats → text → sections → tables → audit.

Every step is a module of pure functions; the format's tables and labels are data
(tables/layout.py). `parse_file` is the whole pipeline for one file.
"""

from .errors import ParseError
from .parse import parse_bytes, parse_file, parse_text
from .report import SECTIONS, TEMPLATES, Finding, Report

__all__ = ["SECTIONS", "TEMPLATES", "Finding", "ParseError", "Report", "parse_bytes", "parse_file", "parse_text"]
