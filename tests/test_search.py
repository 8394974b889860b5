"""Search over a real index: exact phrase semantics, operators, filters, ranking, snippets."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.analysis import normalize, segment
from index.reader.parse import parse_file
from index.reader.report import SECTIONS
from index.reader.text.agency import agency_key
from index.reader.text.place import place_of
from search.engine import MAX_LIMIT, Page, _match, scores, search
from search.errors import QueryError
from search.filters import make_filters
from search.query import parse_query, unsupported

from .conftest import CORPUS, CORPUS_FILES, DEV_FILES

CJK = r"\u4e00-\u9fff"


def all_hits(ix, text, **kwargs):
    """Every matching (report id, section), read page by page."""
    found, page = set(), 1
    while True:
        result = search(ix, text, page=Page(MAX_LIMIT, page), **kwargs)
        found |= {(h["report_id"], h["section"]) for h in result["hits"]}
        if page * MAX_LIMIT >= result["total"]:
            assert len(found) == result["total"]
            return found, result
        page += 1


def scan(reports, predicate, sections=SECTIONS):
    """The ground truth: (report id, section) whose normalised text satisfies the predicate."""
    return {
        (rid, name)
        for rid, report in reports.items()
        for name in sections
        if report.section(name).strip() and predicate(normalize(report.section(name)))
    }


def samples(reports, n, seed):
    """Substrings of 2-8 characters, all Chinese, from the normalised section texts."""
    rng = random.Random(seed)
    texts = [normalize(r.section(s)) for r in reports.values() for s in SECTIONS if r.section(s).strip()]
    out = []
    while len(out) < n:
        text = rng.choice(texts)
        size = rng.randint(2, 8)
        if len(text) <= size:
            continue
        start = rng.randrange(len(text) - size)
        piece = text[start : start + size]
        if all("\u4e00" <= c <= "\u9fff" for c in piece):
            out.append(piece)
    return out


SEEDED = samples({p.name: parse_file(p) for p in CORPUS_FILES + DEV_FILES}, 60, 7)


@pytest.mark.parametrize("phrase", SEEDED)
def test_phrase_matches_exactly_what_a_substring_scan_finds(built_index, indexed_reports, phrase):
    found, _ = all_hits(built_index, phrase)
    assert found == scan(indexed_reports, lambda text: phrase in text)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(which=st.integers(0, 10**9), size=st.integers(2, 8), where=st.integers(0, 10**9))
def test_phrase_exactness_property(built_index, indexed_reports, which, size, where):
    texts = sorted({normalize(r.section(s)) for r in indexed_reports.values() for s in SECTIONS if r.section(s)})
    text = texts[which % len(texts)]
    start = where % max(1, len(text) - size)
    phrase = text[start : start + size]
    if len(phrase) < 2 or any(c in phrase for c in ' "“”') or phrase.startswith("-") or phrase.upper() in ("OR", "AND"):
        return  # the query syntax would read these as operators
    if unsupported(phrase):
        return  # refused with a message (an ASCII ? or *, field: or ~ syntax), tested elsewhere
    found, _ = all_hits(built_index, phrase)
    assert found == scan(indexed_reports, lambda t: phrase in t), phrase


@pytest.mark.parametrize(
    "phrase",
    [
        "新不及",  # 更新|不|及时: straddles three jieba words
        "开政府",  # end of one word, start of the next
        "务新媒",  # inside a dictionary term (政务新媒体)
        "公开",
        "人员",
        "的",  # one character: a prefix query on the grams
        "情况。",  # with punctuation
        "2021",
    ],
)
def test_phrases_across_word_boundaries(built_index, indexed_reports, phrase):
    found, _ = all_hits(built_index, phrase)
    assert found == scan(indexed_reports, lambda text: normalize(phrase) in text)
    assert found, "the corpus does contain it"


def test_traditional_and_full_width_queries_match_simplified_text(built_index, indexed_reports):
    assert all_hits(built_index, "政務新媒體")[0] == all_hits(built_index, "政务新媒体")[0]
    assert all_hits(built_index, "２０２１年")[0] == all_hits(built_index, "2021年")[0]


@pytest.mark.parametrize(
    ("wide", "narrow"), [("信息源不够，更新不及时", "信息源不够,更新不及时"), ("（五）监督保障", "(五)监督保障")]
)
def test_punctuation_width_is_folded_on_index_query_and_scan(built_index, indexed_reports, wide, narrow):
    found, _ = all_hits(built_index, wide)
    assert found and found == all_hits(built_index, narrow)[0]
    assert found == scan(indexed_reports, lambda text: normalize(narrow) in text)


@pytest.mark.parametrize("phrase", ["培训", "公开", "更新不及时", "人员", "政务新媒体"])
def test_every_match_scores_above_zero(built_index, phrase):
    # jieba segments 培训 inside 业务培训 / 培训力度: the words field alone would score those 0
    result = search(built_index, phrase, make_filters(sections=[]), Page(limit=MAX_LIMIT))
    assert result["hits"] and all(h["score"] > 0 for h in result["hits"])


def test_and_or_not(built_index, indexed_reports):
    found, _ = all_hits(built_index, "人员 培训 -兼职")
    assert found == scan(indexed_reports, lambda t: "人员" in t and "培训" in t and "兼职" not in t)
    found, _ = all_hits(built_index, "更新不及时 OR 人员不足 OR 编制")
    assert found == scan(indexed_reports, lambda t: any(p in t for p in ("更新不及时", "人员不足", "编制")))
    found, _ = all_hits(built_index, '"政务 新媒体" 关停')
    assert found == scan(indexed_reports, lambda t: "政务新媒体" in t and "关停" in t)


def test_counts_sections_and_reports_exactly(built_index, indexed_reports):
    expected = scan(indexed_reports, lambda t: "公开" in t)
    result = search(built_index, "公开", page=Page(5, 1))
    assert result["total"] == len(expected)
    assert result["reports"] == len({rid for rid, _ in expected})
    assert len(result["hits"]) == 5


def test_facets_count_the_matching_sections(built_index, indexed_reports):
    expected = scan(indexed_reports, lambda t: "人员" in t, sections=("problems", "improvements"))
    result = search(built_index, "人员", make_filters(sections=["narrative"]), facets=True)
    reports = [indexed_reports[rid] for rid, _ in expected]
    # one agency, one entry: its names' sections together, under the name it is printed with most
    by_key: dict[str, Counter] = {}
    for r in reports:
        if r.agency:
            by_key.setdefault(agency_key(r.agency), Counter())[r.agency] += 1
    agencies = Counter({max(c.items(), key=lambda kv: (kv[1], kv[0]))[0]: c.total() for c in by_key.values()})
    assert any(len(c) > 1 for c in by_key.values())  # 平潭综合实验区 and 平潭综合实验区管委会
    truth = {
        "year": Counter(r.year for r in reports if r.year),
        "agency": agencies,
        "template": Counter(r.template for r in reports if r.template),
        "section": Counter(name for _, name in expected),
    }
    for name in ("region", "level", "kind"):  # read from the agency's name
        truth[name] = Counter()
        for agency, n in agencies.items():
            truth[name][getattr(place_of(agency), name)] += n
        truth[name].pop(None, None)
    assert {name: Counter(counts) for name, counts in result["facets"].items()} == truth
    assert len(truth["year"]) >= 2 and len(truth["section"]) == 2
    for counts in result["facets"].values():  # most sections first
        assert list(counts.values()) == sorted(counts.values(), reverse=True)


def test_facets_count_reports_in_by_report_mode(built_index, indexed_reports):
    expected = scan(indexed_reports, lambda t: "公开" in t, sections=SECTIONS)
    result = search(built_index, "公开", make_filters(sections=["all"]), facets=True, by_report=True)
    reports = [indexed_reports[rid] for rid in {rid for rid, _ in expected}]
    assert len(reports) == result["reports"] and len(expected) > len(reports)  # reports, not sections
    facets = {name: Counter(counts) for name, counts in result["facets"].items()}
    assert facets["year"] == Counter(r.year for r in reports if r.year)
    assert facets["template"] == Counter(r.template for r in reports)
    assert sum(facets["agency"].values()) == sum(1 for r in reports if r.agency)
    # a section is counted once per report that matched in it: what its matching sections number
    assert facets["section"] == Counter(name for _, name in expected)


def test_section_filter_and_narrative(built_index, indexed_reports):
    narrative = make_filters(sections=["narrative"])
    found, _ = all_hits(built_index, "政务新媒体", filters=narrative)
    assert found == scan(indexed_reports, lambda t: "政务新媒体" in t, sections=("problems", "improvements"))
    found, _ = all_hits(built_index, "公开", filters=make_filters(sections=["other", "review"]))
    assert {s for _, s in found} <= {"other", "review"} and found


def test_year_agency_template_and_figure_filters(built_index, indexed_reports):
    def truth(pred):
        return {k for k in scan(indexed_reports, lambda t: "公开" in t) if pred(indexed_reports[k[0]])}

    cases = [
        (make_filters(year="2020-2022"), lambda r: r.year is not None and 2020 <= r.year <= 2022),
        (make_filters(year="2021"), lambda r: r.year == 2021),
        (make_filters(agency="郑州"), lambda r: r.agency is not None and "郑州" in r.agency),
        (make_filters(template="2019"), lambda r: r.template == "2019"),
        (
            make_filters(where=["applications.new.total>=10"]),
            lambda r: r.figures.get("applications.new.total", -1) >= 10,
        ),
        (
            make_filters(where=["review.total>0", "applications.new.total<100"]),
            lambda r: r.figures.get("review.total", 0) > 0 and r.figures.get("applications.new.total", 1e9) < 100,
        ),
        (
            make_filters(where=["applications.new.total!=0"]),
            lambda r: "applications.new.total" in r.figures and r.figures["applications.new.total"] != 0,
        ),
    ]
    for filters, pred in cases:
        found, _ = all_hits(built_index, "公开", filters=filters)
        assert found == truth(pred), filters


def test_ranking_and_ties_newest_first(built_index):
    result = search(built_index, "政务新媒体", page=Page(MAX_LIMIT, 1))
    keys = [(h["score"], h["year"] or 0) for h in result["hits"]]
    assert keys == sorted(keys, key=lambda k: (-k[0], -k[1]))
    by_year = search(built_index, "公开", sort="year", page=Page(MAX_LIMIT, 1))["hits"]
    years = [h["year"] or 0 for h in by_year]
    assert years == sorted(years, reverse=True)


def test_sort_by_a_figure_largest_first_reports_without_it_last(tmp_path):
    """Bundled reports (the 2019-format ones without the 2021 table 二) beside synthetic ones with varied figures."""
    from bench.synth import SyntheticCorpus
    from index.build import build_index
    from search.engine import SearchIndex

    SyntheticCorpus(seed=5).write(30, tmp_path / "synth")
    summary = build_index([CORPUS, tmp_path / "synth"], tmp_path / "ix")
    assert not summary.failed
    ix = SearchIndex.open(tmp_path / "ix")
    bundled = [p for p in CORPUS.rglob("*") if p.suffix in (".txt", ".pdf")]
    reports = {r.id: r for r in map(parse_file, [*bundled, *(tmp_path / "synth").rglob("*.txt")])}
    key = "art20.normative.in_force"
    hits = search(ix, "公开", sort=key, by_report=True, page=Page(MAX_LIMIT, 1))["hits"]
    values = [reports[h["report_id"]].figures.get(key) for h in hits]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=True) and len(set(present)) > 10
    assert None in values and values == present + [None] * (len(values) - len(present))
    with pytest.raises(QueryError, match="未知的排序"):
        search(ix, "公开", sort="applications.nothing")


def _lucene_bm25(tf: int, df: int, docs: int, length: int, avgdl: float) -> float:
    """BM25 as Lucene defines it, written out on its own: one-byte lengths (SmallFloat), k1 1.2, b 0.75."""
    from search.bm25 import byte4_to_int, int_to_byte4

    stored = byte4_to_int(int_to_byte4(length))
    idf = math.log(1 + (docs - df + 0.5) / (df + 0.5))
    return idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * stored / avgdl))


def test_scores_are_lucenes_bm25_over_the_words(built_index, indexed_reports):
    """The score of a hit is the sum of Lucene's BM25 of the query's words in that section, from
    statistics counted here over every indexed section; a phrase none of whose words the section
    holds scores by its rarest covering bigram instead (BM25 over the section's bigrams)."""
    from search.matching import covering_grams

    texts = {
        (rid, name): normalize(report.section(name))
        for rid, report in indexed_reports.items()
        for name in SECTIONS
        if report.section(name).strip()
    }
    words_of = {key: Counter(segment(text)) for key, text in texts.items()}
    having = [c for c in words_of.values() if c]
    avgdl = sum(sum(c.values()) for c in having) / len(having)
    char_avgdl = sum(map(len, texts.values())) / len(texts)

    def occurrences(gram: str, text: str) -> int:
        return sum(1 for i in range(len(text) - 1) if text[i : i + 2] == gram)

    for text in ("政务新媒体", "政务新媒体 更新", "依申请公开 OR 考核", "培训"):
        phrases = parse_query(text).phrases
        words = list(dict.fromkeys(w for p in phrases for w in segment(p)))
        df = {w: sum(1 for c in having if w in c) for w in words}
        hits = search(built_index, text, make_filters(["all"]), page=Page(MAX_LIMIT, 1))["hits"]
        assert hits
        for hit in hits:
            counts = words_of[hit["report_id"], hit["section"]]
            body = texts[hit["report_id"], hit["section"]]
            length = sum(counts.values())
            want = sum(_lucene_bm25(counts[w], df[w], len(having), length, avgdl) for w in words if counts[w])
            for phrase in phrases:
                if not any(counts[w] for w in segment(phrase)):
                    grams = [g for _, g in covering_grams(phrase)]
                    gdf = {g: sum(1 for t in texts.values() if g in t) for g in grams}
                    rarest = min(grams, key=gdf.__getitem__)
                    tf = occurrences(rarest, body)
                    if tf:
                        want += _lucene_bm25(tf, gdf[rarest], len(texts), len(body), char_avgdl)
            assert want > 0 and hit["score"] == pytest.approx(want, rel=1e-4, abs=1e-4), hit


def test_by_report_one_hit_per_report(built_index, indexed_reports):
    result = search(built_index, "公开", by_report=True, page=Page(MAX_LIMIT, 1))
    ids = [h["report_id"] for h in result["hits"]]
    assert len(ids) == len(set(ids)) == result["reports"]
    for hit in result["hits"]:
        assert hit["section"] in hit["sections"]
        matched = scan(indexed_reports, lambda t: "公开" in t)
        assert set(hit["sections"]) == {s for rid, s in matched if rid == hit["report_id"]}


def test_snippet_spans_are_exactly_the_match(built_index):
    for query in ("更新不及时", "政务新媒体 培训", "信息公开 OR 政务公开"):
        phrases = [normalize(p) for p in query.replace("OR", " ").split()]
        for hit in search(built_index, query, page=Page(20, 1))["hits"]:
            assert hit["spans"], hit
            for start, end in hit["spans"]:
                assert normalize(hit["snippet"][start:end]) in phrases


def test_pages_partition_the_results(built_index):
    everything = search(built_index, "公开", page=Page(MAX_LIMIT, 1))["hits"]
    paged = [h for p in (1, 2, 3) for h in search(built_index, "公开", page=Page(7, p))["hits"]]
    assert [(h["report_id"], h["section"]) for h in paged] == [(h["report_id"], h["section"]) for h in everything[:21]]


@pytest.mark.parametrize(
    "query, message",
    [
        ('"更新', "引号没有配对"),
        ("OR 人员", "OR 应位于两个检索词之间"),
        ("人员 OR", "OR 应位于两个检索词之间"),
        ("-兼职", "没有要查找的词（只有排除词）"),
        ("   ", "没有要查找的词"),
        ("字" * 201, "上限 200"),
    ],
)
def test_malformed_queries(built_index, query, message):
    with pytest.raises(QueryError, match=message):
        search(built_index, query)


def test_a_condition_names_its_figure_by_its_chinese_label_too():
    assert make_filters(where=["本年新收·总计>=10"]).where == make_filters(where=["applications.new.total>=10"]).where
    assert make_filters(where=["行政复议·总计 ≥ 1"]).where[0].op == ">="


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(year="20x1"), "年份应写作"),
        (dict(year="2022-2020"), "起止颠倒"),
        (dict(sections=["nonsense"]), "未知的章节"),
        (dict(where=["applications.new.bogus>1"]), "没有“applications.new.bogus”这个数字项目"),
        (dict(where=["本年新收·总记>1"]), "没有“本年新收·总记”这个数字项目"),
        (dict(where=["applications.new.total >> 1"]), "数字条件应写作"),
        (dict(template="1999"), "未知的格式"),
    ],
)
def test_malformed_filters(kwargs, message):
    with pytest.raises(QueryError, match=message):
        make_filters(**kwargs)


def test_page_bounds():
    with pytest.raises(QueryError):
        Page(MAX_LIMIT + 1, 1)
    with pytest.raises(QueryError):
        Page(10, 0)


@pytest.mark.parametrize(("typo", "meant"), [("更新不急时", "更新不及时"), ("政务心媒体", "政务新媒体")])
def test_zero_hits_suggest_the_nearest_indexed_phrase(built_index, typo, meant, monkeypatch):
    from search import suggest as suggestions

    monkeypatch.setattr(suggestions, "MAX_SECONDS", 60.0)  # what is suggested, not how fast: a busy machine is slow
    result = search(built_index, typo, make_filters(sections=["all"]))
    assert result["total"] == 0 and result["suggestion"] == meant
    assert search(built_index, meant, make_filters(sections=["all"]))["total"] > 0


def test_a_found_phrase_has_no_suggestion(built_index):
    assert "suggestion" not in search(built_index, "更新不及时", make_filters(sections=["all"]))


@pytest.mark.parametrize(("query", "same_as"), [("公开 AND 培训", "公开 培训"), ("人员 or 编制", "人员 OR 编制")])
def test_and_and_lower_case_or_are_operators(built_index, query, same_as):
    assert all_hits(built_index, query)[0] == all_hits(built_index, same_as)[0]


@pytest.mark.parametrize("query", ["更新*", "更新?", "title:公开", "公开~2"])
def test_unsupported_syntax_is_named_not_searched_literally(built_index, query):
    with pytest.raises(QueryError, match="不支持"):
        search(built_index, query)


def test_a_repeated_phrase_is_answered_from_the_generation_cache(built_index):
    table = built_index.table()
    table.generation.phrases.clear()
    first = search(built_index, "信息公开", make_filters(["all"]))
    assert table.generation.phrases.get("信息公开") is not None
    again = search(built_index, "信息公开", make_filters(["all"]), Page(10, 2))
    filtered = search(built_index, "信息公开", make_filters(["narrative"]))
    assert first["total"] == again["total"] and filtered["total"] < first["total"]
    # the cached set, restricted to the filter, is what the filter finds uncached
    table.generation.phrases.clear()
    assert search(built_index, "信息公开", make_filters(["narrative"]))["total"] == filtered["total"]


def test_cached_word_scores_equal_fresh_ones(built_index):
    table = built_index.table()
    table.generation.words.clear()
    first = search(built_index, "信息公开 培训", make_filters(["all"]), Page(MAX_LIMIT, 1))
    again = search(built_index, "信息公开 培训", make_filters(["all"]), Page(MAX_LIMIT, 1))  # from the cache
    assert [(h["report_id"], h["section"], h["score"]) for h in first["hits"]] == [
        (h["report_id"], h["section"], h["score"]) for h in again["hits"]
    ]


def test_a_suggestion_never_makes_an_answer_slow(built_index, monkeypatch):
    from search import suggest as suggestions

    monkeypatch.setattr(suggestions, "MAX_SECONDS", 0.0)  # no time at all to look
    result = search(built_index, "更新不急时", make_filters(["all"]))
    assert result["total"] == 0 and "suggestion" not in result


@pytest.mark.parametrize("query", ["公开", "信息公开", "人员 OR 编制", "培训", "政务新媒体 -兼职"])
def test_top_hits_by_score_equal_a_full_sort(built_index, query):
    # the first pages of a relevance search order every match by score, then year (newest first), then
    # report id and section in the format's order
    table, parsed, matched = _match(built_index, query, make_filters(["all"]))
    score = scores(table, parsed, matched)
    g = table.generation
    ids, codes = g.reports
    keyed = [(-score[i], -int(g.year[d]), ids[codes[d]], int(g.section[d])) for i, d in enumerate(matched.tolist())]
    expected = [(k[2], SECTIONS[k[3]]) for k in sorted(keyed)]
    for page in (1, 2, 3):
        hits = search(built_index, query, make_filters(["all"]), Page(7, page))["hits"]
        assert [(h["report_id"], h["section"]) for h in hits] == expected[(page - 1) * 7 : page * 7]


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("更新不急时", "更新不及时"),  # a character replaced inside
        ("政务新媒休", "政务新媒体"),  # the last character replaced: never the phrase cut short (政务新媒)
        ("更新不及", None),  # a phrase the index holds is not corrected
    ],
)
def test_suggestions_are_whole_phrases_at_one_edit(built_index, typed, wanted):
    result = search(built_index, typed, make_filters(sections=["all"]))
    assert result.get("suggestion") == wanted
    if wanted:
        assert search(built_index, wanted, make_filters(sections=["all"]))["total"] > 0


def test_a_suggestion_must_find_something_with_the_rest_of_the_query(built_index):
    # each word alone is found, 超期 is not; a correction is offered only if the whole query then finds something
    result = search(built_index, "依申请公开 答复 超期", make_filters(sections=["all"]))
    assert result["total"] == 0
    suggestion = result.get("suggestion")
    assert suggestion is None or search(built_index, suggestion, make_filters(sections=["all"]))["total"] > 0
