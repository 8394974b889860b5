"""One blueprint per page family; each page is also JSON under /api/…"""

from .agencies import bp as agencies
from .audit import bp as audit
from .compare import bp as compare
from .reports import bp as reports
from .search import bp as search
from .topics import bp as topics

BLUEPRINTS = (search, reports, compare, agencies, topics, audit)
