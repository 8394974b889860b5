"""Reports uploaded at the desk: their type read from their bytes (never from the name they came with),
parsed and audited under the same limits as any corpus file; kept only when asked to (a unit checking its
draft stores nothing), under a safe name in the uploads folder, then indexed like any other file."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from index.build import build_index
from index.durable import write_atomic
from index.reader.errors import ParseError
from index.reader.formats.docx import OLE_MAGIC
from index.reader.parse import parse_bytes
from index.reader.report import Report

from .errors import Invalid

MAX_BYTES = 50 * 1024 * 1024  # the largest report file the desk takes (a scanned 100-page PDF is ~30 MB)
KINDS = {".pdf": "PDF", ".docx": "Word（.docx）", ".doc": "Word（.doc）", ".html": "网页", ".txt": "文本"}
_SAFE = re.compile(r"[^\w\u4e00-\u9fff-]+")
# what the reader says of a file it cannot read, and how a person is told
_REASONS = (
    ("empty file", "文件是空的"),
    ("no text in file", "文件中没有文字（可能是扫描图片，且未能识别文字）"),
    ("no Chinese text", "文件中没有中文内容，不像是年度报告"),
    ("encrypted", "文件已加密（有密码保护），请上传未加密的文件"),
    ("LibreOffice", "无法转换 .doc/.wps 文件（服务器未安装 LibreOffice，或文件已损坏），请另存为 .docx 或 PDF 后上传"),
    ("not a readable PDF", "PDF 文件已损坏或无法读取"),
    ("not a readable Word", "Word 文件已损坏或无法读取"),
    ("binary file", "无法识别的二进制文件"),
    ("took more than", "文件过大或过于复杂，超过了单个文件的处理上限"),
    ("characters", "文件文字过多，超过了单个文件的处理上限"),
    ("bytes", "文件过大，超过了单个文件的处理上限"),
    ("not a report", "未能识别为政府信息公开工作年度报告"),
)


def reason_text(reason: str) -> str:
    """A reader's reason (English, for logs and the CLI) as a person at the desk is told it."""
    for needle, text in _REASONS:
        if needle in reason:
            return text
    return "无法读取该文件"


def sniff(data: bytes) -> str:
    """The suffix a file's bytes say it is (.pdf, .docx, .doc, .html, .txt); Invalid for anything else."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
    if not data.strip():
        raise Invalid("文件是空的")
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return ".docx"
        except zipfile.BadZipFile:
            pass
        raise Invalid("压缩文件不是 Word 文档（.docx），不能上传")
    if data.startswith(OLE_MAGIC):
        return ".doc"  # .doc and .wps alike: LibreOffice reads both
    if b"\x00" in data[:4096]:
        raise Invalid("不支持的文件类型：请上传 PDF、Word、网页（HTML）或文本文件")
    low = head[:2048].lower()
    if b"<html" in low or b"<!doctype html" in low or b"<body" in low or b"<table" in low:
        return ".html"
    return ".txt"


def safe_name(original: str, data: bytes, suffix: str) -> str:
    """A stored file's name: its content's hash (two uploads of one file are one file) and the words of the
    name it came with, without any path, dot or character a file system could take otherwise."""
    stem = _SAFE.sub("_", Path(original.replace("\\", "/")).name.rsplit(".", 1)[0]).strip("_")[:60]
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{digest}-{stem or 'report'}{suffix}"


@dataclass
class Checked:
    report: Report
    suffix: str
    name: str


def check(data: bytes, original: str) -> Checked:
    """Parse and audit an uploaded file without keeping it; Invalid says, in Chinese, why it cannot be."""
    suffix = sniff(data)
    name = safe_name(original, data, suffix)
    try:
        report = parse_bytes(data, name, suffix)
    except ParseError as exc:
        raise Invalid(f"{reason_text(exc.reason)}") from None
    if not _looks_like_a_report(report):
        raise Invalid(
            "文件中没有找到年度报告的内容（既无“主动公开”“依申请公开”等部分，也无统计表）："
            "请确认上传的是政府信息公开工作年度报告"
        )
    return Checked(report, suffix, name)


def _looks_like_a_report(report: Report) -> bool:
    """Whether a parsed file is an annual report at all: a part of the format found, or a table read (a web
    page of news, a notice or a list of links parses as text, but is none)."""
    parts = ("active", "applications", "review", "problems", "improvements", "statistics")
    return bool(report.figures or report.blank or any(report.section(name).strip() for name in parts))


def store(checked: Checked, data: bytes, folder: Path, index_dir: Path) -> Path:
    """Keep a checked file (not yet in the index) in the uploads folder and index it; return its path.
    The build is the CLI's, under the index's write lock: a report is never added twice."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / checked.name
    if not path.exists():
        write_atomic(path, data)
    summary = build_index([folder], index_dir, procs=1)
    failed = [why for source, why in summary.failed if Path(source).name == checked.name]
    if failed:
        path.unlink(missing_ok=True)
        raise Invalid(reason_text(failed[0]))
    return path
