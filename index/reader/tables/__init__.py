"""The format's tables (二, 三, 四) read from section text into figures.

layout.py declares the tables as data; lines.py and rows.py turn printed text
into rows; active.py, applications.py and review.py read one table each.
"""

from .active import read_active
from .applications import read_applications
from .result import TableResult
from .review import read_review

__all__ = ["TableResult", "read_active", "read_applications", "read_review"]
