"""One blueprint per page family; each page is also JSON under /api/…"""

from .accounts import bp as accounts
from .agencies import bp as agencies
from .audit import bp as audit
from .compare import bp as compare
from .reports import bp as reports
from .review import bp as review
from .search import bp as search
from .topics import bp as topics

BLUEPRINTS = (search, reports, compare, agencies, topics, audit, review, accounts)
