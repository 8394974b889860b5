"""The `xxgk` command line: thin commands over the index and search libraries."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
import unicodedata
from collections.abc import Sequence

from index.build import WorkerDied, build_index
from index.check import RepairIncomplete, RepairRefused, check_index, repair_index
from index.corpus import corpora, display, list_corpus
from index.reader.errors import ParseError
from index.reader.limits import Limits, set_limits
from index.reader.parse import parse_file
from index.reader.report import SECTION_NAMES, SECTIONS, STATE_NAMES, TEMPLATE_NAMES, Report, number_text
from index.reader.text.place import LEVELS
from index.store import DAMAGE_ERRORS, IndexBusy, IndexDamaged, IndexMissing, IndexOutdated
from search.agency import agencies
from search.backend import BACKENDS, DEFAULT_PREFIX, backend_name, open_backend, remote_backend
from search.compare import compare
from search.copies import copies_summary, find_copies
from search.engine import MAX_LIMIT, Page, SearchIndex, search
from search.errors import QueryError
from search.filters import DEFAULT_SECTIONS, make_filters, parse_sections
from search.identity import ALIASES_FILE, AliasError, merge
from search.mentions import ROLE_NAMES, load_topics, mentions, topic_counts, topic_query
from search.opensearch.client import ClusterError
from search.reports import AmbiguousReport, all_records, record_to_report, resolve

from .progress import ProgressBar

EXIT_OK, EXIT_FAILED, EXIT_BUSY = 0, 2, 3
DEFAULT_INDEX = "var/index"
DEFAULT_CORPUS = "corpus"


def _summary(report: Report) -> str:
    """Given a report, return the readable block `xxgk parse` prints for it."""
    lines = [
        f"{report.source}",
        f"  id        {report.id}",
        f"  title     {report.title or '(none)'}",
        f"  agency    {report.agency or '(unknown)'}",
        f"  year      {report.year or '(unknown)'}",
        f"  template  {report.template}",
    ]
    sizes = ", ".join(f"{name} {len(report.section(name))}" for name in SECTIONS if report.spans.get(name))
    lines.append(f"  sections  {sizes}" + ("" if report.split else "  (五 not split)"))
    if report.figures:
        lines.append(
            f"  figures   {len(report.figures)} read, {len(report.inferred)} inferred, {len(report.blank)} blank"
        )
    errors = [f for f in report.findings if f.severity == "error"]
    lines.append(f"  audit     {len(errors)} errors, {len(report.findings) - len(errors)} warnings")
    lines.extend(f"    [{f.severity} {f.rule}] {f.message}" for f in report.findings)
    return "\n".join(lines)


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse report files and print a summary, or one JSON object per line with --json.

    Example: xxgk parse corpus/*.txt --json
    """
    _apply_limits(args)
    failed = 0
    for path in _files(args.files):
        if isinstance(path, tuple):  # a folder or file that could not be listed
            failed += 1
            print(f"xxgk parse: {_shown(path[0])}: {path[1]}", file=sys.stderr)
            continue
        try:
            report = parse_file(path)
        except ParseError as exc:
            failed += 1
            print(f"xxgk parse: {_shown(display(exc.source))}: {_shown(exc.reason)}", file=sys.stderr)
            continue
        except Exception as exc:  # one odd file never stops the batch
            failed += 1
            why = f"could not be read ({type(exc).__name__}: {exc})"
            print(f"xxgk parse: {_shown(display(path))}: {why}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(_summary(report))
    return EXIT_FAILED if failed else EXIT_OK


def _files(paths: list[str]):
    """The report files named, folders walked (their report files in order); a (path, why) for each problem."""
    for path in paths:
        if os.path.isdir(path):
            listing = list_corpus([path])
            yield from sorted(listing.files)
            yield from listing.problems
        else:
            yield path


def _shown(name: str) -> str:
    """A file name as printed: control characters (a newline, a terminal escape) escaped, so that no name can
    forge a line of the output."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(name))


def cmd_index(args: argparse.Namespace) -> int:
    """Bring the index up to date with the corpus: add new reports and replace changed ones.

    Reports whose file was deleted stay until you say --prune (then those positively gone
    from a folder that could be read whole are removed); --dry-run shows what a build
    would add, update and remove. Example: xxgk index --corpus corpus --corpus corpus/dev --dry-run
    """
    _apply_limits(args)
    # a rebuild or a repair reads every corpus the index was built from unless told which
    recorded = corpora(args.index) if (args.rebuild or args.repair) and not args.corpus else []
    corpus = args.corpus or recorded or [DEFAULT_CORPUS]
    try:
        remote = backend_name(args.backend) == "opensearch"
    except ValueError as exc:
        return _fail("index", exc)
    if args.check or args.repair:
        if remote:
            return _fail("index", "--check and --repair are for the embedded index; a cluster checks its own shards")
        return _check(args, corpus)
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet and not args.dry_run else None
    try:
        if remote:
            from search.opensearch.build import build_remote  # the cluster's builder, only when asked for

            backend = remote_backend(args.url, args.prefix)
            backend.folder = args.index  # its aliases and the corpus folders it was built from
            summary = build_remote(corpus, backend, args.procs, bar, prune=args.prune, dry_run=args.dry_run)
            args.index = f"{backend.client.urls[0]} ({backend.prefix})"
        else:
            summary = build_index(
                corpus,
                args.index,
                args.procs,
                wait=args.wait,
                progress=bar,
                prune=args.prune,
                dry_run=args.dry_run,
                rebuild=args.rebuild,
                follow_links=args.follow_links,
            )
    except (ValueError, ClusterError, IndexOutdated, IndexDamaged) as exc:
        return _fail("index", exc)
    except OSError as exc:  # the index's folder: read-only, full, not ours
        return _fail("index", storage_problem(exc, args.index))
    except IndexBusy as exc:
        print(f"xxgk index: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except WorkerDied as exc:
        print(f"xxgk index: {exc}; run the same command again to finish", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if bar:
            bar.close()
    counts = summary.counts()
    if args.dry_run:
        print("dry run, nothing changed: would be " + ", ".join(f"{n} {name}" for name, n in counts.items()))
        for name, verb in (("added", "add"), ("updated", "update"), ("removed", "remove")):
            for source in getattr(summary, name):
                print(f"  {verb}: {_shown(source)}")
        for source, reason in summary.failed:
            print(f"xxgk index: {_shown(source)}: {_shown(reason)}", file=sys.stderr)
        return EXIT_FAILED if summary.failed else EXIT_OK
    print(", ".join(f"{n} {name}" for name, n in counts.items()) + f" — index in {_shown(args.index)}")
    for source, twin in summary.duplicates:
        print(f"  duplicate (same bytes as {_shown(twin)}): {_shown(source)}")
    for source, reason in summary.failed:
        print(f"xxgk index: {_shown(source)}: {_shown(reason)}", file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _check(args: argparse.Namespace, corpus: list[str]) -> int:
    """--check: verify every segment and one document per report; --repair: then rebuild what is damaged."""
    found = check_index(args.index)
    if found.ok:
        print(f"index in {args.index}: {found.segments} segments, {found.reports} reports, no problem found")
        return EXIT_OK
    for problem in found.problems():
        print(f"xxgk index --check: {problem}", file=sys.stderr)
    if not args.repair:
        print(f"{len(found.problems())} problems; `xxgk index --check --repair` rebuilds them from the corpus")
        return EXIT_FAILED
    try:
        summary = repair_index(args.index, corpus, wait=args.wait)
    except IndexBusy as exc:
        print(f"xxgk index: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except RepairRefused as exc:
        return _fail("index --repair", f"not repaired: {exc}")
    except RepairIncomplete as exc:
        return _fail("index --repair", exc)
    after = check_index(args.index)
    print(f"repaired: {summary.counts()['added']} reports indexed again from the corpus; ", end="")
    print("no problem left" if after.ok else f"{len(after.problems())} problems left")
    return EXIT_OK if after.ok else EXIT_FAILED


def _print_hits(result: dict) -> None:
    where = (
        "every section" if result.get("sections") == ["all"] else "sections " + ", ".join(result.get("sections", []))
    )
    print(f"{result['total']} sections in {result['reports']} reports match {result['query']!r} (searched: {where})")
    if result.get("suggestion"):
        print(f"did you mean: {result['suggestion']}")
    for hit in result["hits"]:
        others = [s for s in hit.get("sections") or () if s != hit["section"]]
        extra = f" (also {', '.join(others)})" if others else ""
        print(f"\n{hit['agency'] or '(agency unknown)'} {hit['year'] or ''} · {hit['section']}{extra} · {hit['score']}")
        print(f"  {_mark(hit['snippet'], hit['spans'])}")
        print(f"  report {hit['report_id']}")


def cmd_search(args: argparse.Namespace) -> int:
    """Search the reports' text: a bare phrase matches exactly; spaces mean AND; OR; -term excludes.

    Searches part 五 (--section narrative) unless told otherwise, as the web search does;
    --section all searches every section.
    Example: xxgk search 政务新媒体 --year 2019-2024 --where "applications.new.total>=1"
    """
    try:
        sections = args.section or DEFAULT_SECTIONS
        filters = make_filters(
            sections, args.year, args.agency, args.template, args.where or (), args.region, args.level, args.kind
        )
        result = search(
            open_backend(args.backend, args.index, args.url, args.prefix),
            " ".join(args.query),
            filters,
            Page(args.limit, args.page),
            by_report=args.by_report,
            sort=args.sort,
        )
    except (QueryError, IndexMissing, ValueError, ClusterError) as exc:
        return _fail("search", exc)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_hits(result)
    return EXIT_OK


def storage_problem(exc: OSError, where: str) -> str:
    """One line naming why the index's folder could not be written, and what to do."""
    if exc.errno == errno.EROFS:
        return f"索引文件夹 {where} 在只读的文件系统上，无法写入：请用 --index 指向可写的文件夹"
    if exc.errno == errno.ENOSPC:
        return f"磁盘已满，索引 {where} 未能写完：原有索引保持不变、写了一半的文件已清除；请腾出空间后重新运行"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有写入索引文件夹 {where} 的权限：请换一个文件夹（--index）或调整权限"
    return f"无法写入索引 {where}（{exc.strerror or exc}）"


def _fail(command: str, exc: Exception) -> int:
    print(f"xxgk {command}: {exc}", file=sys.stderr)
    return EXIT_FAILED


def _mark(text: str, spans: list[list[int]]) -> str:
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], "【", text[start:end], "】"]
        pos = end
    return "".join([*out, text[pos:]])


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare two reports section by section and figure by figure (A and B: report id or 机关@年份).

    An agency's exact name (or any name it was printed under) wins over a part of a name.
    Example: xxgk compare 平潭综合实验区@2020 平潭综合实验区@2021
    """
    try:
        index = SearchIndex.open(args.index)
        a, b = resolve(index, args.a), resolve(index, args.b)
        identity = index.identity()
        result = compare(a, b, same_agency=a.agency is not None and identity.key(a.agency) == identity.key(b.agency))
    except AmbiguousReport as exc:
        print(f"xxgk compare: {exc}：", file=sys.stderr)
        for m in exc.candidates:
            print(f"  {m['agency'] or '机关不详'}@{m['year']}  （报告编号 {m['id']}）", file=sys.stderr)
        return EXIT_FAILED
    except (QueryError, IndexMissing) as exc:
        return _fail("compare", exc)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    for side in ("a", "b"):
        m = result[side]
        print(f"{side.upper()}  {_who(m)}  （{TEMPLATE_NAMES[m['template']]}，报告编号 {m['id']}）")
    summary = result["summary"]
    print(
        f"\n{summary['changed']} 句改动，{summary['only_a']} 句仅见于 A，{summary['only_b']} 句仅见于 B，"
        f"{summary['same']} 句相同；{summary['figures_changed']} 项数字变化，{summary['figures_same']} 项相同，"
        f"{summary['figures_not_comparable']} 项不可比（一方空白、未读出或格式不同）"
    )
    for name, sec in result["sections"].items():
        counts = summary["sections"][name]
        if not sec["rows"]:
            continue
        similar = f"文字相似度 {sec['similarity']:.0%}，" if sec["similarity"] is not None else ""
        print(f"\n== {SECTION_NAMES[name]}：{similar}相同 {counts['same']}，改动 {counts['changed']}，"
              f"仅 A {counts['only_a']}，仅 B {counts['only_b']}")  # fmt: skip
        for row in sec["rows"]:  # in document order
            if row["kind"] == "changed":
                diff = "".join(t if op == "equal" else f"[-{t}-]{{+{u}+}}" for op, t, u in row["diff"])
                print(f"  ~ {diff}")
            elif row["kind"] == "only_a":
                print(f"  - {row['a']}")
            elif row["kind"] == "only_b":
                print(f"  + {row['b']}")
    changed = [f for f in result["figures"] if f["delta"]]
    comparable = sum(f["comparable"] for f in result["figures"])
    print(f"\n== 数字对照：{len(changed)} 项变化（两边都印出数字的 {comparable} 项中）")
    for f in changed:
        pct = f"，{f['pct']:+.1f}%" if f["pct"] is not None else ""
        print(f"  表{f['table']} {f['label']}：A {number_text(f['a'])} → B {number_text(f['b'])}"
              f"（{'+' if f['delta'] > 0 else ''}{number_text(f['delta'])}{pct}）")  # fmt: skip
    for f in (f for f in result["figures"] if not f["comparable"] and "格式" not in (f["why"] or "")):
        shown = [
            number_text(v) if s == "printed" else STATE_NAMES[s]
            for v, s in ((f["a"], f["a_state"]), (f["b"], f["b_state"]))
        ]
        print(f"  表{f['table']} {f['label']}：A {shown[0]}，B {shown[1]}（{f['why']}）")
    for f in result["findings"]:
        print(f"  [{'错误' if f['severity'] == 'error' else '提示'}] {f['message']}")
    return EXIT_OK


def _who(meta: dict) -> str:
    return f"{meta['agency'] or '机关不详'} {meta['year'] or '年度不详'}"


def cmd_mentions(args: argparse.Namespace) -> int:
    """List every report that mentions a phrase or a topic, with counts by year and agency.

    Example: xxgk mentions 人员 --section narrative ; xxgk mentions --topic 政务新媒体
    """
    try:
        args.query = " ".join(args.query) or None
        if (args.query is None) == (args.topic is None):
            raise QueryError("give a QUERY or --topic NAME (one of them)")
        text = topic_query(load_topics(args.topics), args.topic) if args.topic else args.query
        sections = args.section or DEFAULT_SECTIONS  # part 五, as topics are and as the web page does
        result = mentions(SearchIndex.open(args.index), text, tuple(sections), limit=args.limit)
    except (QueryError, IndexMissing) as exc:
        return _fail("mentions", exc)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return EXIT_OK
    searched = parse_sections(tuple(sections))
    whole = not searched or set(searched) == set(SECTIONS)
    where = "全部章节" if whole else "、".join(SECTION_NAMES[s] for s in searched)
    roles = result["by_role"]
    print(f"{result['reports']} 份报告（{result['sections']} 个章节）提及 {args.topic or result['query']}"
          f"（检索范围：{where}；--section all 检索全部章节）")  # fmt: skip
    print(f"作为问题 {roles['problem']} 份，作为改进措施 {roles['remedy']} 份（逐句判断）")
    print("按年份：" + "，".join(f"{y} 年 {n} 份" for y, n in result["by_year"].items()))
    for row in result["rows"]:
        who = f"{row['agency'] or '机关不详'} {row['year'] or ''}"
        as_ = "、".join(name for role, name in ROLE_NAMES.items() if row["roles"][role]) or "其他"
        parts = "、".join(SECTION_NAMES.get(s, s) for s in row["sections"])
        print(f"\n{row['mentions']:4d} 次  {who} · 作为{as_} · {parts}")
        print(f"      {_mark(row['snippet'], row['spans'])}")
    return EXIT_OK


def cmd_topics(args: argparse.Namespace) -> int:
    """List the topics of part 五 with the number of reports mentioning each, per year.

    Example: xxgk topics --json
    """
    try:
        topics = load_topics(args.topics)
        rows = topic_counts(SearchIndex.open(args.index), topics)
    except (QueryError, IndexMissing) as exc:
        return _fail("topics", exc)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    width = max((_width(row["topic"]) for row in rows), default=0)
    print(f"{_pad('议题', width)}  报告数  作为问题  作为改进  按年份")
    for row in rows:
        years = "，".join(f"{y} 年 {n} 份" for y, n in row["by_year"].items())
        counts = f"{row['reports']:4d} 份  {row['problems']['reports']:6d} 份  {row['improvements']['reports']:6d} 份"
        print(f"{_pad(row['topic'], width)}  {counts}  {years}")
    return EXIT_OK


def _width(text: str) -> int:
    """How many columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def cmd_copies(args: argparse.Namespace) -> int:
    """Find copied text: sentences shared with other agencies' reports or the same agency's earlier ones.

    Example: xxgk copies ; xxgk copies 平潭县人民政府@2012 --json
    """
    try:
        index = SearchIndex.open(args.index)
        reports = [record_to_report(r) for r in all_records(index)]
        target = resolve(index, args.report) if args.report else None
    except (QueryError, IndexMissing) as exc:
        return _fail("copies", exc)
    found = find_copies(reports)
    if target is not None:
        result = {"report_id": target.id, "agency": target.agency, "year": target.year, **found[target.id]}
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
            return EXIT_OK
        share = result["share"]
        print(f"{target.agency or '(agency unknown)'} {target.year}: copied {share['overall']:.0%} overall, "
              f"{share['problems']:.0%} of problems, {share['improvements']:.0%} of improvements")  # fmt: skip
        for c in result["sentences"]:
            src = c["sources"][0]
            print(f"\n  [{c['section']}, {c['kind']} {c['similarity']:.2f}] {c['sentence']}")
            who = f"{src['agency'] or '(agency unknown)'} {src['year']} ({src['report_id']})"
            print(f"    ← {who}" + (f" and {c['source_count'] - 1} more" if c["source_count"] > 1 else ""))
        return EXIT_OK
    rows = copies_summary(reports, found)[: args.limit]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        share = row["share"]
        shares = " ".join(f"{share[g]:6.0%} {g}" for g in ("overall", "problems", "improvements"))
        print(f"{shares}  {row['agency'] or '(agency unknown)'} {row['year'] or ''} ({row['report_id']})")
    return EXIT_OK


def cmd_agencies(args: argparse.Namespace) -> int:
    """List every agency: its key, the names it was printed under, its years and reports.
    `xxgk agencies merge A B` records that the agency printed A is the agency B (in <index>/aliases.csv).

    Example: xxgk agencies ; xxgk agencies merge 洪泽县人民政府 淮安市洪泽区人民政府
    """
    try:
        if args.action == "merge":
            if len(args.names) != 2:
                raise QueryError("用法：xxgk agencies merge 名称A 名称B（把 A 并入 B）")
            identity = merge(args.index, *args.names)
            if identity is None:
                print(f"“{args.names[0]}”与“{args.names[1]}”已是同一机关，无需合并")
                return EXIT_OK
            print(f"已记录：“{args.names[0]}”并入“{args.names[1]}”（{identity.key(args.names[1])}），"
                  f"见 {os.path.join(args.index, ALIASES_FILE)}")  # fmt: skip
            return EXIT_OK
        if args.action != "list" or args.names:
            raise QueryError("用法：xxgk agencies [list] 或 xxgk agencies merge 名称A 名称B")
        index = SearchIndex.open(args.index)
        rows = agencies(index, identity=index.identity())
    except (QueryError, IndexMissing, AliasError) as exc:
        return _fail("agencies", exc)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        years = "、".join(str(y) for y in row["years"])
        print(f"{row['key']}  {row['reports']} 份（{years}）")
        for name in row["names"]:
            print(f"    {name}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app with waitress (a production WSGI server).

    Example: xxgk serve --port 8000, then open http://127.0.0.1:8000/
    """
    from web import create_app
    from web.serve import CannotListen, listen, serve

    config = {"INDEX_DIR": args.index, "TOPICS_FILE": args.topics, "LOGIN_REQUIRED": args.private}
    config |= {"DATABASE_URL": args.database} if args.database else {}
    config |= {"UPLOAD_DIR": args.uploads} if args.uploads else {}
    config |= {"OTHER_SHARE": args.other_share} if args.other_share is not None else {}
    try:
        if backend_name(args.backend) == "opensearch":
            backend = remote_backend(args.url, args.prefix)  # checked now: a missing URL is said before serving
            config |= {  # INDEX_DIR stays: the local folder of the aliases file and the corpus list
                "BACKEND": "opensearch",
                "OPENSEARCH_URL": ",".join(backend.client.urls),
                "PREFIX": backend.prefix,
            }
            args.index = f"{backend.client.urls[0]} ({backend.prefix})"
    except ValueError as exc:
        return _fail("serve", exc)
    try:
        sock = listen(args.host, args.port)  # before saying it serves: a port in use is said in one line
    except CannotListen as exc:
        return _fail("serve", exc)
    app = create_app(config | ({"BASE_URL": args.base_url} if args.base_url else {}))
    how = f"{args.processes} processes × {args.threads} threads"
    print(f"xxgk: serving {args.index} on http://{args.host}:{args.port}/ ({how})", flush=True)
    serve(app, sock, threads=args.threads, processes=args.processes)
    return EXIT_OK


def _limit_options(p: argparse.ArgumentParser) -> None:
    """What one file may cost (index/reader/limits.py): each refused file is named with the limit it met."""
    d = Limits()
    g = p.add_argument_group("limits per file")
    g.add_argument("--max-pages", type=int, metavar="N", help=f"pages of a PDF (default {d.pages})")
    g.add_argument("--max-unzipped", type=int, metavar="BYTES", help=f"bytes a Word file unzips to ({d.part_bytes:,})")
    g.add_argument("--max-chars", type=int, metavar="N", help=f"characters of text (default {d.chars:,})")
    g.add_argument("--max-ocr-pages", type=int, metavar="N", help=f"pages read by OCR (default {d.ocr_pages})")
    g.add_argument("--file-memory", type=int, metavar="MB", help=f"memory to extract a file (default {d.memory_mb} MB)")
    g.add_argument("--file-seconds", type=int, metavar="S", help=f"CPU seconds to extract a file (default {d.seconds})")


def _apply_limits(args: argparse.Namespace) -> None:
    set_limits(
        pages=args.max_pages,
        part_bytes=args.max_unzipped,
        chars=args.max_chars,
        ocr_pages=args.max_ocr_pages,
        memory_mb=args.file_memory,
        seconds=args.file_seconds,
    )


def _reading_options(p: argparse.ArgumentParser) -> None:
    """The options every command that reads the index shares."""
    p.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR", help=f"index folder (default {DEFAULT_INDEX})")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _backend_options(p: argparse.ArgumentParser) -> None:
    """Where the reports are indexed: the embedded index (--index) or an OpenSearch cluster."""
    p.add_argument("--backend", choices=BACKENDS, help="whoosh (the embedded index, default) or opensearch")
    p.add_argument("--url", metavar="URL[,URL…]", help="OpenSearch nodes, e.g. http://127.0.0.1:9200")
    p.add_argument("--prefix", metavar="NAME", help=f"OpenSearch index prefix and alias (default {DEFAULT_PREFIX})")


class _Parser(argparse.ArgumentParser):
    """argparse, with `-保密` (a dash and a Chinese word: an excluded search term) taken as a query word, not
    an option: options are ASCII, so `xxgk search -保密 公开` needs no `--`."""

    def _parse_optional(self, arg_string):
        if len(arg_string) > 1 and arg_string[0] == "-" and not arg_string[1].isascii():
            return None
        return super()._parse_optional(arg_string)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xxgk", description="Search, compare and audit 政府信息公开工作年度报告.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("parse", help="parse report files", description=cmd_parse.__doc__)
    p.add_argument(
        "files", nargs="+", metavar="FILE", help=".txt, .html, .htm, .pdf, .docx, .doc, .wps files, or folders of them"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per report, one per line")
    _limit_options(p)
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("index", help="build or update the search index", description=cmd_index.__doc__)
    p.add_argument(
        "--corpus", action="append", metavar="DIR", help=f"report folder or file (repeatable; default {DEFAULT_CORPUS})"
    )
    p.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR", help=f"index folder (default {DEFAULT_INDEX})")
    _backend_options(p)
    p.add_argument("--procs", type=int, default=2, help="writer processes for large batches (default 2)")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to wait for another build to finish (default 10)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--prune", action="store_true", help="also remove reports whose file is gone from a corpus folder read whole"
    )
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be added, updated and removed; change nothing"
    )
    p.add_argument(
        "--check", action="store_true", help="verify every segment (sizes, checksums) and one document per report"
    )
    p.add_argument(
        "--repair", action="store_true", help="with --check: drop what is damaged, rebuild it from the corpus"
    )
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="start the index again from the corpus (by default every corpus it was built from): after an upgrade",
    )
    p.add_argument(
        "--follow-links", action="store_true", help="follow symbolic links that lead out of the corpus folder"
    )
    _limit_options(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search the indexed reports", description=cmd_search.__doc__)
    p.add_argument("query", nargs="+", help='e.g. 更新不及时, "政务 新媒体", 人员 OR 编制 -兼职 (words are joined)')
    p.add_argument(
        "--section",
        action="append",
        metavar="S",
        help="section(s), narrative = problems+improvements (the default, as on the web), or all",
    )
    p.add_argument("--year", metavar="Y|Y1-Y2", help="a year or a range")
    p.add_argument("--agency", metavar="A", help="agency name contains A")
    p.add_argument("--region", metavar="R", help="the agency's region contains R (e.g. 平潭, 上海市)")
    p.add_argument("--level", choices=LEVELS, help="the agency's level, read from its name")
    p.add_argument("--kind", metavar="K", help="人民政府, 开发区、园区, or a kind of department (教育, 公安 …)")
    p.add_argument("--template", choices=("2021", "2019", "legacy", "unknown"))
    p.add_argument("--where", action="append", metavar="EXPR", help="figure condition, e.g. applications.new.total>=10")
    p.add_argument("--limit", type=int, default=10, help=f"hits per page (1-{MAX_LIMIT}, default 10)")
    p.add_argument("--page", type=int, default=1)
    p.add_argument(
        "--sort",
        default="relevance",
        metavar="ORDER",
        help="relevance (default), year, or a figure such as applications.new.total (largest first)",
    )
    p.add_argument("--by-report", action="store_true", help="one hit per report, its best section first")
    _reading_options(p)
    _backend_options(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("compare", help="compare two reports", description=cmd_compare.__doc__)
    p.add_argument("a", metavar="A", help="report id or agency@year")
    p.add_argument("b", metavar="B", help="report id or agency@year")
    _reading_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("mentions", help="reports that mention a phrase or topic", description=cmd_mentions.__doc__)
    p.add_argument("query", nargs="*", help="a query, as in search")
    p.add_argument("--topic", metavar="NAME", help="a topic of the taxonomy (see xxgk topics)")
    p.add_argument("--topics", metavar="FILE", help="a TOML file of extra topics")
    p.add_argument("--section", action="append", metavar="S", help="section(s); topics default to narrative")
    p.add_argument("--limit", type=int, default=None, help="rows to show (default all)")
    _reading_options(p)
    p.set_defaults(func=cmd_mentions)

    p = sub.add_parser("topics", help="the topic taxonomy with report counts per year", description=cmd_topics.__doc__)
    p.add_argument("--topics", metavar="FILE", help="a TOML file of extra topics")
    _reading_options(p)
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("copies", help="copied text across reports", description=cmd_copies.__doc__)
    p.add_argument("report", nargs="?", metavar="REPORT", help="report id or agency@year (default: all, ranked)")
    p.add_argument("--limit", type=int, default=50, help="reports to list (default 50)")
    _reading_options(p)
    p.set_defaults(func=cmd_copies)

    p = sub.add_parser("agencies", help="agencies and their names; merge two", description=cmd_agencies.__doc__)
    p.add_argument("action", nargs="?", default="list", choices=("list", "merge"), help="list (default) or merge")
    p.add_argument("names", nargs="*", metavar="NAME", help="with merge: the name to merge, then the agency's name")
    _reading_options(p)
    p.set_defaults(func=cmd_agencies)

    p = sub.add_parser("serve", help="serve the web app", description=cmd_serve.__doc__)
    p.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR")
    _backend_options(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=4, help="threads per process (default 4)")
    p.add_argument(
        "--processes",
        type=int,
        default=min(os.cpu_count() or 1, 8),
        help="worker processes sharing the port, one core each (default: the machine's cores, at most 8)",
    )
    p.add_argument("--topics", metavar="FILE", help="a TOML file of extra topics")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="the address links in CSV exports start with, e.g. https://xxgk.example.org (default: the request's host)",
    )
    p.add_argument("--database", metavar="URL", help="the review desk's database (default: beside the index)")
    p.add_argument(
        "--uploads", metavar="DIR", help="where reports uploaded at the desk are kept (default: beside the index)"
    )
    p.add_argument("--private", action="store_true", help="every page needs a desk login (default: reading is open)")
    from .desk_cli import add_commands, share_arg  # here: it imports this module's helpers

    p.add_argument(
        "--other-share", type=share_arg, metavar="SHARE", help="the desk's P6 threshold: 其他处理 of 总计 (default 0.2)"
    )
    p.set_defaults(func=cmd_serve)

    add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `xxgk parse … | head`
        return EXIT_OK
    except DAMAGE_ERRORS as exc:
        where = getattr(args, "index", DEFAULT_INDEX)
        print(
            f"xxgk: the index in {where} is damaged ({type(exc).__name__}); "
            f"run `xxgk index --check --repair --index {where}` to rebuild what is damaged from the corpus",
            file=sys.stderr,
        )
        return EXIT_FAILED
