"""The desk's commands: accounts, the roster, the desk's table and its exports, verdicts, corrections.

Everything the web desk does, from the command line, on the same database (--database, else
$XXGK_DATABASE_URL, else `<index>-review.sqlite` beside the index).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path

from index.reader.audit.office import OTHER_SHARE
from index.store import IndexMissing
from review.accounts import ROLES, add_user, list_users, set_active, set_password, set_role
from review.corrections import ORIGINS, correct, history_of
from review.db import default_url, open_database
from review.desk import Desk, desk_table, finding_by_key, report_review
from review.errors import ReviewError
from review.log import recent
from review.notice import desk_notice
from review.roster import decode, import_roster, load_roster, read_roster, removed_by
from review.verdicts import DECISIONS, STATUSES, change
from review.workbook import desk_workbook
from search.backend import open_backend
from search.errors import QueryError
from search.reports import identity_of, resolve

from .cli import DEFAULT_INDEX, EXIT_FAILED, EXIT_OK, _fail, _shown


def _engine(args: argparse.Namespace):
    return open_database(args.database or default_url(args.index))


def _operator() -> str:
    """Who a write from the command line is logged as: the machine's user."""
    try:
        return f"命令行:{getpass.getuser()}"
    except (KeyError, OSError):
        return "命令行"


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再输入一次："):
        raise ReviewError("两次输入的密码不一致")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    """Accounts of the desk (`add` and `passwd` ask for the password twice; --password-stdin reads it from
    the first line of stdin, for scripts).

    Example: xxgk users add 张三 --role reviewer ; xxgk users ; xxgk users log
    """
    try:
        engine = _engine(args)
        if args.action == "add":
            user = add_user(engine, _need(args.name), _password(args), args.role, by=_operator())
            print(f"已添加账号 {user.name}（{user.role_name}）")
        elif args.action == "passwd":
            set_password(engine, _need(args.name), _password(args), by=_operator())
            print(f"已修改 {args.name} 的密码")
        elif args.action == "role":
            set_role(engine, _need(args.name), args.role, by=_operator())
            print(f"{args.name} 现为{ROLES[args.role]}")
        elif args.action in ("disable", "enable"):
            set_active(engine, _need(args.name), args.action == "enable", by=_operator())
            print(f"已{'启用' if args.action == 'enable' else '停用'}账号 {args.name}")
        elif args.action == "log":
            for row in recent(engine, args.limit):
                detail = row["detail_text"]
                print(f"{row['at']:%Y-%m-%d %H:%M:%S}  {_shown(row['user'])}  {row['action_name']}  "
                      f"{_shown(row['target'])}  {_shown(detail)}")  # fmt: skip
        else:
            for user in list_users(engine):
                print(f"{user.name}\t{user.role_name}\t{'' if user.active else '（已停用）'}")
    except ReviewError as exc:
        return _fail("users", exc)
    return EXIT_OK


def _need(name: str | None) -> str:
    if not name:
        raise ReviewError("请给出账号名")
    return name


def cmd_roster(args: argparse.Namespace) -> int:
    """The roster of units the office supervises: import a CSV (docs/review.md), or list it.

    An import that would remove units names them and stops; --yes imports it.
    Example: xxgk roster import docs/roster-example.csv ; xxgk roster
    """
    try:
        engine = _engine(args)
        if args.action == "import":
            if not args.file:
                raise ReviewError("请给出名单文件：xxgk roster import 名单.csv")
            path = Path(args.file)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ReviewError(f"{_shown(path)}：无法读取（{exc.strerror}）") from None
            identity = identity_of(open_backend(None, args.index, None, None))
            units = read_roster(decode(data, _shown(path.name)), identity, _shown(path.name))
            removed = removed_by(engine, units)
            if removed and not args.yes:
                names = "、".join(removed[:20]) + ("等" if len(removed) > 20 else "")
                raise ReviewError(f"导入将从名单中移除 {len(removed)} 个单位：{names}；确认请加 --yes")
            counts = import_roster(engine, units, _operator(), path.name)
            print("名单已导入：新增 {added}、更新 {updated}、移除 {removed}、未变 {unchanged} 个单位".format(**counts))
            return EXIT_OK
        units = load_roster(engine)
        if args.json:
            print(json.dumps([u.__dict__ for u in units], ensure_ascii=False))
            return EXIT_OK
        for u in units:
            print(f"{u.name}\t{u.region}\t{u.level}\t{u.kind}\t{u.parent_name or ''}\t{'汇总' if u.sums else ''}")
    except (ReviewError, IndexMissing) as exc:
        return _fail("roster", exc)
    return EXIT_OK


def _await_copies(desk: Desk, wait: float = 600) -> None:
    """What the exports say of copied text is the index's background comparison: a file written now waits
    for it (a few seconds for a county, minutes for a province), then says whatever it has."""
    from search import derived

    if getattr(desk.index, "remote", False):
        return
    deadline = time.monotonic() + wait
    while derived.copies(desk.index)[1] == "computing" and time.monotonic() < deadline:
        time.sleep(0.5)


def cmd_review(args: argparse.Namespace) -> int:
    """The desk's table for a region and year (every unit, its report or 未发布, findings, verdicts), or one
    report's findings with their keys (--report); --xlsx and --docx write the 问题清单 and the 通报.

    Example: xxgk review --region 河南 --year 2021 ; xxgk review --report 郑州经济技术开发区管委会@2021
    """
    try:
        desk = Desk(open_backend(None, args.index, None, None), _engine(args), args.other_share)
        if args.report:
            report, review = report_review(desk, resolve(desk.index, args.report).id)
            if args.json:
                print(json.dumps(review | {"unit": None, "deadline": None}, ensure_ascii=False, default=str))
                return EXIT_OK
            print(f"{report.agency or '（机关不详）'} {report.year or ''} 年度报告  {report.id}")
            for f in review["findings"]:
                said = f"  [{f['decision_name']}{'·' + f['status_name'] if f['status_name'] else ''}]"
                print(f"  {f['key']}  {f['rule_name']}（{f['family_name']}）{said if f['decidable'] else ''}")
                print(f"      {f['message']}")
            return EXIT_OK
        if args.year is None:
            raise ReviewError("请给出年度：--year 2023")
        if args.xlsx or args.docx:
            _await_copies(desk)
        table = desk_table(desk, args.region or "", args.year)
    except (ReviewError, QueryError, IndexMissing) as exc:
        return _fail("review", exc)
    if args.xlsx:
        Path(args.xlsx).write_bytes(desk_workbook(table))
    if args.docx:
        Path(args.docx).write_bytes(desk_notice(table, args.office or "", args.to or ""))
    if args.json:
        print(json.dumps(table, ensure_ascii=False, default=str))
        return EXIT_OK
    print(f"{table['region'] or '全部'} {table['year']} 年度：{table['units']} 个单位，已发布 {table['filed']}，"
          f"未发布 {table['unfiled']}")  # fmt: skip
    for row in table["rows"]:
        if not row["filed"]:
            print(f"  {row['name']}\t未发布")
            continue
        for r in row["reports"]:
            d, own = r["counts"]["decisions"], r["counts"]["report"]
            print(f"  {row['name']}\t问题 {sum(own.values())} 条（错误 {own.get('error', 0)}）"
                  f"\t待审核 {d['open']} 确认 {d['confirmed']} 不予采纳 {d['dismissed']}\t{r['id']}")  # fmt: skip
    if table["others"]:
        print("名单外的报告（名称与名单不一致时，可用 xxgk agencies merge 并入名单中的单位）：")
        for m in table["others"]:
            print(f"  {m['agency']}\t{m['id']}")
    for path in (args.xlsx, args.docx):
        if path:
            print(f"已写出 {_shown(path)}")
    return EXIT_OK


def cmd_verdict(args: argparse.Namespace) -> int:
    """Record a verdict on one finding of a report (an id or 机关@年份), as a desk account. The finding is
    named by its key (`xxgk review --report …` lists them) or, when the report has one finding of a rule,
    by the rule's code.

    Example: xxgk verdict 郑州经济技术开发区管委会@2021 T2 --user 张三 --decision confirmed --note 正文与表三不符
    """
    try:
        engine = _engine(args)
        _account(engine, args.user)
        desk = Desk(open_backend(None, args.index, None, None), engine, args.other_share)
        report, review = report_review(desk, resolve(desk.index, args.report).id)
        item = _finding_named(review["findings"], args.finding, args.report)
        finding = finding_by_key(desk, report, item["key"])
        verdict = change(
            engine, review["slot"], report, finding, user=args.user, seen=item["seq"], decision=args.decision,
            status=args.status, responsible=args.responsible, note=args.note or "",
        )  # fmt: skip
    except (ReviewError, QueryError, IndexMissing) as exc:
        return _fail("verdict", exc)
    latest = verdict.latest
    status = f"·{latest.status_name}" if latest.status_name else ""
    print(f"已记录：{latest.decision_name}{status}（第 {latest.seq} 次修改）")
    return EXIT_OK


def cmd_correct(args: argparse.Namespace) -> int:
    """Correct one figure of a report (a cell the reader got wrong, or a value the unit supplied), as a desk
    account; an empty value records the cell as blank, --withdraw takes the correction back.

    Example: xxgk correct 郑州经济技术开发区管委会@2021 applications.new.total 20 --user 张三 --note 报告第3页印为20
    """
    try:
        engine = _engine(args)
        _account(engine, args.user)
        desk = Desk(open_backend(None, args.index, None, None), engine, args.other_share)
        report, review = report_review(desk, resolve(desk.index, args.report).id)
        seen = len(history_of(engine, review["slot"], report.id).get(args.key, []))
        value = None if args.withdraw else (args.value or "")
        raw = desk.raw(report.id)
        correct(engine, review["slot"], raw, args.key, value, user=args.user, seen=seen, origin=args.origin,
                note=args.note or "")  # fmt: skip
    except (ReviewError, QueryError, IndexMissing) as exc:
        return _fail("correct", exc)
    print("已撤销更正" if args.withdraw else f"已更正 {args.key} 为 {value or '（空白）'}")
    return EXIT_OK


def _finding_named(findings: list[dict], name: str, report: str) -> dict:
    """A report's decidable finding named by its key, or by its rule's code when it has one of that rule."""
    decidable = [f for f in findings if f["decidable"]]
    chosen = [f for f in decidable if f["key"] == name] or [f for f in decidable if f["rule"] == name.upper()]
    if len(chosen) == 1:
        return chosen[0]
    if chosen:
        raise ReviewError(
            f"报告 {report} 有 {len(chosen)} 条“{name}”发现，请用发现的编号（xxgk review --report {report}）"
        )
    raise ReviewError(f"报告 {report} 没有可审核的发现“{name}”（见 xxgk review --report {report}）")


def _account(engine, name: str) -> None:
    if not any(u.name == name and u.active for u in list_users(engine)):
        raise ReviewError(f"没有启用的账号“{name}”（xxgk users add {name}）")


def share_arg(text: str) -> float:
    """A share between 0 and 1 (20% or 0.2)."""
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是比例（如 0.2 或 20%）") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"比例应在 0 与 1 之间（如 0.2 或 20%），而不是 {text}")
    return value


def add_commands(sub) -> None:
    """Add the desk's commands to the `xxgk` parser."""

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", default=DEFAULT_INDEX, metavar="DIR", help=f"index folder (default {DEFAULT_INDEX})")
        p.add_argument("--database", metavar="URL", help="review database (default: beside the index)")
        p.add_argument(
            "--other-share",
            type=share_arg,
            default=OTHER_SHARE,
            metavar="SHARE",
            help=f"P6: 其他处理 at this share of 总计 or more is a finding (default {OTHER_SHARE})",
        )

    p = sub.add_parser("users", help="accounts of the review desk", description=cmd_users.__doc__)
    p.add_argument(
        "action", nargs="?", default="list", choices=("list", "add", "passwd", "role", "disable", "enable", "log")
    )
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=tuple(ROLES), default="reviewer")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--limit", type=int, default=100, help="writes shown by `log` (default 100)")
    common(p)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("roster", help="the units an office supervises", description=cmd_roster.__doc__)
    p.add_argument("action", nargs="?", default="list", choices=("list", "import"))
    p.add_argument("file", nargs="?")
    p.add_argument("--yes", action="store_true", help="import even when units would be removed")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("review", help="the review desk's table and exports", description=cmd_review.__doc__)
    p.add_argument("--region", help="a region (any part of its name)")
    p.add_argument("--year", type=int)
    p.add_argument("--report", metavar="REPORT", help="one report's findings with their keys (an id or 机关@年份)")
    p.add_argument("--xlsx", metavar="FILE", help="write the summary and the 问题清单")
    p.add_argument("--docx", metavar="FILE", help="write the 审核情况通报")
    p.add_argument("--office", help="the office sending the 通报 (its 落款)")
    p.add_argument("--to", help="whom the 通报 is addressed to (主送; default 各有关单位)")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("verdict", help="confirm or dismiss a finding; its 整改 status", description=cmd_verdict.__doc__)
    p.add_argument("report", metavar="REPORT", help="a report id or 机关@年份")
    p.add_argument("finding", metavar="FINDING", help="the finding's key, or its rule's code (T2)")
    p.add_argument("--user", required=True)
    p.add_argument("--decision", choices=tuple(DECISIONS))
    p.add_argument("--status", choices=tuple(STATUSES))
    p.add_argument("--responsible", help="the unit responsible for the 整改")
    p.add_argument("--note")
    common(p)
    p.set_defaults(func=cmd_verdict)

    p = sub.add_parser("correct", help="correct a figure of a report", description=cmd_correct.__doc__)
    p.add_argument("report", metavar="REPORT", help="a report id or 机关@年份")
    p.add_argument("key", metavar="KEY", help="the figure's key, e.g. applications.new.total")
    p.add_argument("value", nargs="?", help="the number (empty: the cell is blank)")
    p.add_argument("--withdraw", action="store_true")
    p.add_argument("--origin", choices=tuple(ORIGINS), default="reader")
    p.add_argument("--user", required=True)
    p.add_argument("--note")
    common(p)
    p.set_defaults(func=cmd_correct)


__all__ = ["EXIT_FAILED", "add_commands"]
