"""``aigw usage report`` output: a text table, CSV, JSON, or one self-contained HTML file
with the daily cost per tenant as an inline SVG chart (no script, no external asset)."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from aigw.tenancy.report import FIELDS, totals

FORMATS = ("table", "csv", "json", "html")
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def _cell(field: str, value: Any) -> str:
    return f"{value:.6f}" if field == "cost_usd" else str(value)


def render(rows: list[dict[str, Any]], fmt: str, title: str) -> str:
    if fmt == "json":
        return json.dumps({"title": title, "rows": rows}, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(FIELDS)
        for r in rows:
            w.writerow([_cell(f, r[f]) for f in FIELDS])
        return buf.getvalue()
    if fmt == "table":
        return _table(rows)
    if fmt == "html":
        return _html(rows, title)
    raise ValueError(f"format must be one of: {', '.join(FORMATS)}")


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [list(FIELDS)] + [[_cell(f, r[f]) for f in FIELDS] for r in rows]
    total = totals(rows, "tenant")
    cost = sum(v["cost_usd"] for v in total.values())
    cells.append(
        [
            "total",
            "",
            "",
            str(sum(r["requests"] for r in rows)),
            str(sum(r["input_tokens"] for r in rows)),
            str(sum(r["output_tokens"] for r in rows)),
            f"{cost:.6f}",
        ]
    )
    widths = [max(len(c[i]) for c in cells) for i in range(len(FIELDS))]
    lines = [
        "  ".join(
            c[i].ljust(widths[i]) if i < 3 else c[i].rjust(widths[i]) for i in range(len(FIELDS))
        )
        for c in cells
    ]
    return "\n".join(lines) + "\n"


def chart_svg(rows: list[dict[str, Any]], width: int = 720, height: int = 260) -> str:
    """Cost per day, one polyline per tenant (days without usage count 0)."""
    days = sorted({r["day"] for r in rows})
    tenants = sorted({r["tenant"] for r in rows})
    cost = {(r["day"], r["tenant"]): 0.0 for r in rows}
    for r in rows:
        cost[(r["day"], r["tenant"])] += r["cost_usd"]
    top = max(cost.values(), default=0.0) or 1.0
    left, bottom, pad = 70, 30, 10
    plot_w, plot_h = width - left - pad, height - bottom - pad

    def x(i: int) -> float:
        return left + (plot_w * i / (len(days) - 1) if len(days) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return pad + plot_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="USD cost per day and tenant">',
        f'<line x1="{left}" y1="{pad + plot_h}" x2="{left + plot_w}" y2="{pad + plot_h}" '
        'stroke="#888"/>',
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{pad + plot_h}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{pad + 4}" text-anchor="end" font-size="11">${top:.2f}</text>',
        f'<text x="{left - 6}" y="{pad + plot_h}" text-anchor="end" font-size="11">$0</text>',
    ]
    if days:
        parts.append(f'<text x="{left}" y="{height - 8}" font-size="11">{days[0]}</text>')
        parts.append(
            f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end" font-size="11">'
            f"{days[-1]}</text>"
        )
    for n, tenant in enumerate(tenants):
        colour = _COLOURS[n % len(_COLOURS)]
        points = " ".join(
            f"{x(i):.1f},{y(cost.get((d, tenant), 0.0)):.1f}" for i, d in enumerate(days)
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{html.escape(tenant)}</title></polyline>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _html(rows: list[dict[str, Any]], title: str) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(f)}</th>" for f in FIELDS)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(_cell(f, r[f]))}</td>" for f in FIELDS) + "</tr>" for r in rows
    )
    tenants = sorted({r["tenant"] for r in rows})
    legend = " ".join(
        f'<span style="color:{_COLOURS[n % len(_COLOURS)]}">&#9632; {esc(t)}</span>'
        for n, t in enumerate(tenants)
    )
    by_tenant = "".join(
        f"<tr><td>{esc(t)}</td><td>{int(v['requests'])}</td><td>{int(v['input_tokens'])}</td>"
        f"<td>{int(v['output_tokens'])}</td><td>{v['cost_usd']:.6f}</td></tr>"
        for t, v in totals(rows, "tenant").items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}</style></head>
<body><h1>{esc(title)}</h1>
<h2>Cost per day (USD)</h2><p>{legend}</p>
{chart_svg(rows)}
<h2>By tenant</h2>
<table><tr><th>tenant</th><th>requests</th><th>input_tokens</th><th>output_tokens</th><th>cost_usd</th></tr>{by_tenant}</table>
<h2>By tenant, model and day</h2>
<table><tr>{head}</tr>{body}</table>
<p>Source: the LLM gateway's usage table; costs at the prices of the gateway's config
when each answer was settled.</p>
</body></html>
"""
