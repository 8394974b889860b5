"""The Flask front end: HTTP only, over the search library. `create_app()` is the only entry point."""

from __future__ import annotations

from flask import Flask, g, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from index.reader.audit.office import OTHER_SHARE
from index.reader.report import SECTION_NAMES, SECTIONS, STATE_HINTS, STATE_NAMES, TEMPLATE_NAMES, number_text
from index.reader.tables.layout import figure_label, figure_table
from index.reader.text.place import LEVELS
from index.store import DAMAGE_ERRORS, IndexMissing, IndexOutdated
from review.errors import DatabaseError
from review.log import local_time
from search import budget
from search.compare import FIGURE_ORDER
from search.errors import QueryError
from search.filters import FIGURE_KEYS, KIND_NAMES, parse_condition
from search.opensearch.client import ClusterError

from .highlight import mark
from .params import OPERATORS
from .respond import wants_json

# The query parameters the app's pages read. Links are built from these only: any other name
# would reach url_for as a keyword (endpoint, _external, _scheme …) and change what it builds.
PAGE_PARAMS = (
    "q", "section", "year", "agency", "template", "where", "sort", "by_report", "limit", "region", "level", "kind",
    "page", "rule", "severity", "topic", "a", "b", "fig", "family", "a_agency", "a_year", "b_agency", "b_year",
    "cf", "co", "cv", "show", "office",
)  # fmt: skip


def page_args() -> dict[str, list[str]]:
    """The current request's own parameters (PAGE_PARAMS), as lists."""
    return {k: v for k, v in request.args.to_dict(flat=False).items() if k in PAGE_PARAMS}


# every figure a person can filter, sort or export by, in the format's order, with its Chinese label
FIGURE_CHOICES = [(key, figure_label(key)) for key in FIGURE_ORDER]


def condition_text(text: str) -> str:
    """A figure condition as a person reads it (本年新收·总计 ≥ 10); as typed when it does not parse."""
    try:
        cond = parse_condition(text)
    except QueryError:
        return text
    return f"{figure_label(cond.key)} {_SYMBOLS.get(cond.op, cond.op)} {num(cond.value)}"


_SYMBOLS = {">=": "≥", "<=": "≤", "!=": "≠"}


def num(value) -> str:
    """A figure as the report printed it (12 not 12.0, 2766.7879 never rounded); — when there is none."""
    return "—" if value is None else number_text(value)


def signed(value) -> str:
    """A change with its sign: +248, −5, 0; never rounded."""
    if value is None:
        return ""
    text = number_text(value)
    return text if value == 0 else ("+" + text if value > 0 else "−" + text[1:])


def severity(level: str) -> Markup:
    """A finding's severity as an icon and a word, never by colour alone."""
    word = {"error": "✖ 错误", "warning": "⚠ 提示"}.get(level, level)
    return Markup('<span class="sev">') + word + Markup("</span>")


def finding_anchor(location: str) -> str:
    """Where on the report page a finding's location is: its cell, its part, or its table's part; "" for
    the report as a whole (the office's structure checks)."""
    if location in FIGURE_KEYS:
        return f"cell-{location}"
    if location in SECTIONS:
        return location
    if location in ("structure", "published", "units"):
        return ""
    return {"二": "active", "三": "applications", "四": "review", "统计表": "statistics"}[figure_table(location)]


def agency_url(name: str | None) -> str | None:
    """The agency page of a printed agency name (its variants share one page), or None."""
    from .views.reports import identity

    key = identity().key(name)
    return url_for("agencies.agency", key=key) if key else None


def url_with(**changes) -> str:
    """The current page's URL with some parameters replaced (None removes one); page resets to 1."""
    args = page_args()
    args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [str(value)]
    return url_for(request.endpoint, **request.view_args, **args)


UPLOAD_LIMIT = 50 * 1024 * 1024 + 64 * 1024  # the largest report file (review/uploads.py) and its form

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; `test_config` overrides the defaults (INDEX_DIR, TOPICS_FILE, …)."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR="var/index",  # a path from configuration only, never from a request
        BACKEND=None,  # search/backend.py: whoosh (default, or $XXGK_BACKEND) or opensearch
        OPENSEARCH_URL=None,
        PREFIX=None,
        TOPICS_FILE=None,
        MAX_QUERY_CHARS=200,
        PAGE_SIZE=10,
        MAX_PAGE_SIZE=100,
        CSV_MAX_ROWS=5000,
        COPIES_MAX_REPORTS=20_000,  # above it, copied text is left to `xxgk copies` (10,000: 98 s, 1.8 GB)
        COPIES_WAIT=5.0,  # seconds a request waits for copied-text detection before showing "computing"
        JSON_AS_ASCII=False,
        QUERY_BUDGET=3.0,  # seconds of matching a request may spend (search/budget.py)
        DATABASE_URL=None,  # the review desk's database (review/db.py): default beside the index
        LOGIN_REQUIRED=False,  # True: every page needs a desk login (xxgk serve --private)
        OTHER_SHARE=OTHER_SHARE,  # the desk's P6 threshold: 其他处理 of 总计 (xxgk serve --other-share)
        UPLOAD_DIR=None,  # where uploaded reports are kept: default `<index>-uploads` beside the index
        MAX_CONTENT_LENGTH=UPLOAD_LIMIT,  # a request body larger is refused (413) before it is read
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False

    from . import views
    from .auth import init_auth

    init_auth(app)
    for blueprint in views.BLUEPRINTS:
        app.register_blueprint(blueprint)
    # Each view answers an HTML route and an /api/ route; the HTML one is the bottom
    # decorator, registered first, so that url_for() builds page links, not API links.
    app.jinja_env.filters["mark"] = mark
    app.add_template_filter(num)
    app.add_template_filter(signed)
    app.add_template_filter(figure_label)
    app.add_template_filter(local_time)
    app.add_template_global(url_with)
    app.add_template_global(agency_url)
    app.add_template_global(severity)
    app.add_template_global(finding_anchor)
    app.jinja_env.globals.update(LEVELS=LEVELS, KIND_NAMES=KIND_NAMES, FIGURE_CHOICES=FIGURE_CHOICES)
    app.jinja_env.globals.update(STATE_NAMES=STATE_NAMES, STATE_HINTS=STATE_HINTS, TEMPLATE_NAMES=TEMPLATE_NAMES)
    app.jinja_env.globals.update(OPERATORS=OPERATORS)
    app.add_template_filter(condition_text)
    app.add_template_global(page_args)
    app.add_template_global(SECTION_NAMES, "SECTION_NAMES")

    @app.get("/favicon.ico")
    def favicon():  # what browsers ask for before they read the page's icon link
        return (
            app.send_static_file("favicon.svg"),
            200,
            {"Content-Type": "image/svg+xml", "Cache-Control": "max-age=86400"},
        )

    @app.before_request
    def start_budget():
        g.budget = budget.start(app.config["QUERY_BUDGET"])

    @app.teardown_request
    def end_budget(exc):
        token = g.pop("budget", None)
        if token is not None:
            budget.end(token)

    @app.after_request
    def security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.errorhandler(QueryError)
    def bad_query(exc):
        if wants_json():
            return {"error": str(exc)}, 400
        if request.endpoint == "search.home":  # the search page again, with the message
            query = request.args.get("q", "")[: app.config["MAX_QUERY_CHARS"]]
            data = {"query": query, "total": 0, "reports": 0, "hits": [], "facets": {}, "page": 1}
            page = render_template("search/index.html", data=data, pages=1, sections=[], error=str(exc))
            return page, 400
        return render_template("errors/error.html", title="请求有误", message=str(exc)), 400

    @app.errorhandler(IndexMissing)
    def no_index(exc):
        message = "尚未建立索引：请先运行 xxgk index（make serve 会自动建立）。"
        if isinstance(exc, IndexOutdated):
            message = "索引由旧版本建立，需要重建：请管理员运行 xxgk index --rebuild。"
        if wants_json():
            return {"error": message}, 503
        return render_template("errors/error.html", title="索引不存在", message=message), 503

    def damaged(exc):
        # a string, not the exception: a log record holding it would keep the damaged file open
        app.logger.error("the index is damaged: %s", f"{type(exc).__name__}: {exc}")
        message = "索引文件已损坏，暂时无法检索。请管理员运行 xxgk index --check --repair，从报告文件重建受损部分。"
        if wants_json():
            return {"error": message}, 503
        return render_template("errors/error.html", title="索引已损坏", message=message), 503

    for error in DAMAGE_ERRORS:
        app.register_error_handler(error, damaged)

    @app.errorhandler(ClusterError)
    def cluster_down(exc):
        app.logger.error("the search cluster did not answer: %s", exc)
        message = "检索集群暂时无法访问，请稍后再试。"
        if wants_json():
            return {"error": message}, 503
        return render_template("errors/error.html", title="检索集群无法访问", message=message), 503

    @app.errorhandler(413)
    def too_large(exc):
        message = f"上传的文件过大（上限 {UPLOAD_LIMIT // 1024 // 1024} MB）"
        if wants_json():
            return {"error": message}, 413
        return render_template("errors/error.html", title="文件过大", message=message), 413

    @app.errorhandler(DatabaseError)
    @app.errorhandler(SQLAlchemyError)
    def no_database(exc):
        app.logger.error("the review database failed: %s", f"{type(exc).__name__}: {exc}")
        message = "审核数据库暂时无法访问，请稍后再试或联系管理员。"
        if wants_json():
            return {"error": message}, 503
        return render_template("errors/error.html", title="审核数据库无法访问", message=message), 503

    def plain(code: int, title: str, default: str):
        def handler(exc):
            said = getattr(exc, "description", "") or ""
            message = said if said and not said.isascii() else default  # werkzeug's English stays in the log
            if wants_json():
                return {"error": message}, code
            return render_template("errors/error.html", title=title, message=message), code

        app.register_error_handler(code, handler)

    plain(400, "请求有误", "请求有误。")
    plain(403, "没有权限", "这项操作需要管理员账号。")
    plain(405, "请求方式有误", "这个地址不支持这种请求方式。")

    @app.errorhandler(404)
    def not_found(exc):
        if wants_json():
            return {"error": "未找到"}, 404
        return render_template("errors/error.html", title="未找到", message="没有这个页面或报告。"), 404

    @app.errorhandler(500)
    def server_error(exc):  # never a stack trace to the user
        app.logger.exception("error serving %s", request.path)
        if wants_json():
            return {"error": "服务器内部错误"}, 500
        return render_template("errors/error.html", title="出错了", message="服务器内部错误，请稍后再试。"), 500

    return app
