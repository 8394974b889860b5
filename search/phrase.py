"""An exact phrase over the bigram field, checked with position sets.

Whoosh's own Phrase runs its generic span machinery (SpanNear2) on every
candidate document, which dominates a query on a common phrase. Here the
candidates are the intersection of the phrase's bigram postings, rarest
first, and a candidate matches when some start p has bigram i at p + i for
every i — one set intersection per bigram.
"""

from __future__ import annotations

from whoosh import matching
from whoosh.matching import binary
from whoosh.query import Phrase, Term
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.util import make_binary_tree


class ExactPhrase(Phrase):
    """Documents whose field holds `words` at consecutive positions."""

    def matcher(self, searcher, context=None):
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        terms = []
        for offset, word in enumerate(self.words):
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return matching.NullMatcher()  # a bigram missing from the index: no match anywhere
            terms.append((reader.doc_frequency(self.fieldname, word), offset, word))
        terms.sort()  # the rarest bigram drives the intersection and starts the position set
        matchers = [Term(self.fieldname, word).matcher(searcher, context) for _, _, word in terms]
        m = ExactPhraseMatcher(matchers, [offset for _, offset, _ in terms], len(self.words))
        return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


class ExactPhraseMatcher(SpanWrappingMatcher):
    def __init__(self, matchers, offsets, length):
        self.matchers, self.offsets, self.length = matchers, offsets, length
        super().__init__(make_binary_tree(binary.IntersectionMatcher, matchers))

    def copy(self):
        return self.__class__([m.copy() for m in self.matchers], self.offsets, self.length)

    def replace(self, minquality=0):
        # never swapped for a cheaper tree: the positions must always be checked
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self):
        return False

    def _get_spans(self):
        starts = None
        for m, offset in zip(self.matchers, self.offsets, strict=True):
            shifted = {p - offset for p in m.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return []
        return [Span(s, s + self.length) for s in sorted(starts)]
