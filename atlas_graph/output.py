"""Output: a query ``Table`` -> text as CSV, TSV, JSON or an aligned table for a terminal.

Input: a ``queries.Table``. Output: a string. CSV has exactly the query's columns as header
and one row per result.
"""

from __future__ import annotations

import csv
import io
import json

from .queries import Table

TABLE_FORMATS = ("table", "csv", "tsv", "json")


def render_table(table: Table, fmt: str) -> str:
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return buffer.getvalue()
    if fmt == "json":
        rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        return json.dumps({"columns": list(table.columns), "rows": rows}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "table":
        widths = [min(60, max([len(c), *(len(r[i]) for r in table.rows)])) for i, c in enumerate(table.columns)]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(_cut(cell, w).ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()

        body = [line(table.columns), "  ".join("-" * w for w in widths)] + [line(r) for r in table.rows]
        return "\n".join(body) + f"\n({len(table.rows)} rows)\n"
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(TABLE_FORMATS)}")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
