"""The HTML report: one self-contained page (inline CSS and SVG, no script) a merchant can act on.

Every string from the input is hostile: it goes through ``html.escape`` before it touches the page.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping
from typing import Any

from addrcheck.audit._summary import STATUS_ORDER

STATUS_LABELS = {
    "ok": "合格",
    "vague": "不够详细",
    "ambiguous": "有歧义",
    "inconsistent": "前后矛盾",
    "invalid": "无效",
}
STATUS_COLOURS = {
    "ok": "#2e7d32",
    "vague": "#f9a825",
    "ambiguous": "#ef6c00",
    "inconsistent": "#c62828",
    "invalid": "#6a1b9a",
}
BAR_COLOUR = "#1565c0"
TOP_PROVINCES = 40
TOP_REASONS = 20


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# Widths of 12 px text, rounded up over common sans-serif fonts: a CJK character is one em; Latin
# capitals, digits and "_" stay under two thirds of one (uppercase reason codes are the widest labels).
WIDE_CHAR_PX = 12
NARROW_CHAR_PX = 8
LABEL_GAP = 8  # from the chart's left edge to the longest label


def text_width(text: str) -> int:
    """The width in pixels ``text`` needs at font-size 12, erring on the wide side."""
    return sum(
        WIDE_CHAR_PX if unicodedata.east_asian_width(char) in "WF" else NARROW_CHAR_PX for char in text
    )


def bar_chart(
    counts: Mapping[str, int],
    *,
    title: str,
    colours: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """A horizontal bar chart as inline SVG; one bar per key, in the mapping's order.

    The label and value columns are as wide as their longest text (``text_width``): a fixed 150 px cut
    "MISSING_HOUSE_NUMBER" to "SSING_HOUSE_NUMBER" at the chart's left edge.
    """
    row_height, bar_width = 22, 420
    items = list(counts.items())
    largest = max((count for _, count in items), default=0) or 1
    total = sum(count for _, count in items) or 1
    label_texts = [(labels or {}).get(key, key) for key, _ in items]
    value_texts = [f"{count:,} ({100 * count / total:.1f}%)" for _, count in items]
    label_width = max((text_width(text) for text in label_texts), default=0) + LABEL_GAP + 6
    value_width = max((text_width(text) for text in value_texts), default=0) + 4 + LABEL_GAP
    height = row_height * len(items) + 30
    width = label_width + bar_width + value_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_e(title)}">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{_e(title)}</text>',
    ]
    for index, (key, count) in enumerate(items):
        y = 26 + index * row_height
        length = round(bar_width * count / largest)
        colour = (colours or {}).get(key, BAR_COLOUR)
        label = label_texts[index]
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" font-size="12" text-anchor="end">{_e(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{length}" height="{row_height - 6}" '
            f'fill="{_e(colour)}"><title>{_e(label)}: {count}</title></rect>'
        )
        parts.append(
            f'<text x="{label_width + length + 4}" y="{y + 14}" font-size="12">{value_texts[index]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _where(entry: Mapping[str, Any]) -> str:
    return f"{entry['source']}:{entry['line']}" if entry.get("source") else str(entry["line"])


def render_report(summary: Mapping[str, Any]) -> str:
    """The report page for a finished audit's JSON summary."""
    statuses = {key: summary["by_status"].get(key, 0) for key in STATUS_ORDER}
    reasons = dict(list(summary["by_reason"].items())[:TOP_REASONS])
    provinces = dict(list(summary["by_province"].items())[:TOP_PROVINCES])
    rows_in, rows_out = summary["rows_in"], summary["rows_out"]
    not_ok = rows_in - statuses["ok"]
    source = summary.get("input", {})
    where = source.get("url") or ", ".join(source.get("files", []))
    check = "一致 ✓" if summary["rows_in_equals_rows_out"] else "不一致 ✗"
    sections = [
        "<h1>地址审计报告 · Address audit</h1>",
        f"<p>输入 Input: <code>{_e(where)}</code>（{_e(source.get('format'))}，地址列 "
        f"<code>{_e(source.get('column'))}</code>）· 规则 Policy: <code>{_e(summary.get('policy'))}</code>"
        f" · 输出 Output: <code>{_e(summary.get('output'))}</code></p>",
        f'<p class="big">读入 {rows_in:,} 行，写出 {rows_out:,} 行：{_e(check)}。'
        f"其中 <b>{not_ok:,}</b> 行（{100 * not_ok / (rows_in or 1):.1f}%）不能直接用作退货地址。</p>",
        bar_chart(
            statuses,
            title="按状态 By status",
            colours=STATUS_COLOURS,
            labels={k: f"{STATUS_LABELS[k]} {k}" for k in STATUS_ORDER},
        ),
    ]
    if reasons:
        sections.append(bar_chart(reasons, title="按原因 By reason"))
        sections.append("<h2>各原因示例与修改建议 · Reasons, an example each, and how to fix</h2>")
        sections.append(
            _table(
                ["原因 Reason", "行数 Rows", "示例行 Line", "示例地址 Example", "建议 Suggestion"],
                [
                    [
                        code,
                        f"{summary['by_reason'][code]:,}",
                        _where(example),
                        example["address"],
                        example["suggestion"],
                    ]
                    for code, example in summary["reason_examples"].items()
                ],
            )
        )
    sections.append(bar_chart(provinces, title="按省份 By province"))
    if summary["worst_examples"]:
        sections.append("<h2>最需要处理的地址 · Worst examples, with fixes</h2>")
        sections.append(
            _table(
                [
                    "行 Line",
                    "地址 Address",
                    "状态 Status",
                    "原因 Reasons",
                    "规范化 Normalized",
                    "建议 Suggestion",
                ],
                [
                    [
                        _where(entry),
                        entry["address"],
                        entry["status"],
                        " ".join(entry["reason_codes"]),
                        entry["normalized"],
                        entry["suggestion"],
                    ]
                    for entry in summary["worst_examples"]
                ],
            )
        )
    unreadable = summary["unreadable_rows"]
    if unreadable["count"]:
        shown = len(unreadable["listed"])
        sections.append(
            f"<h2>无法读取的行 · Unreadable rows ({unreadable['count']:,}; {shown:,} listed)</h2>"
        )
        sections.append(
            _table(
                ["行 Line", "问题 Problem"],
                [[_where(entry), entry["problem"]] for entry in unreadable["listed"]],
            )
        )
    if summary.get("blank_lines_skipped"):
        sections.append(f"<p>空行 Blank lines skipped (not rows): {summary['blank_lines_skipped']:,}</p>")
    sections.append(
        f'<p class="meta">addrcheck {_e(summary.get("version"))} · 数据 {_e(summary.get("data_vintage"))}'
        f" · {_e(summary.get('engine'))} × {_e(summary.get('workers'))} · "
        f"{_e(summary.get('elapsed_seconds'))} s</p>"
    )
    style = (
        "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:2em;max-width:1200px}"
        "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:break-word}"
        "th{background:#f3f3f3}.big{font-size:1.2em}.meta{color:#777;font-size:12px}"
        "svg{display:block;margin:1em 0}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>地址审计报告</title><style>{style}</style></head><body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
