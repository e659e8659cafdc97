"""Workbooks (XLSX) beside every report's CSV files: the same tables, one sheet each.

Analysts open results in a spreadsheet; a workbook keeps a run's summary, its month-by-month
table and its raw figures together. Sheet names are cut to Excel's 31 characters.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write *sheets* (name → table) to *path*; empty tables are left out, column widths fitted."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in sheets.items():
            if table.empty:
                continue
            title = name.translate(_FORBIDDEN)[:31]
            k = 2
            while title in used:
                title = f"{name.translate(_FORBIDDEN)[:28]} {k}"
                k += 1
            used.add(title)
            frame = table.reset_index() if not isinstance(table.index, pd.RangeIndex) else table
            frame.to_excel(writer, sheet_name=title, index=False)
            sheet = writer.sheets[title]
            for column, header in zip(sheet.columns, frame.columns, strict=False):
                longest = max([len(str(header))] + [len(str(v)) for v in frame[header].head(200)])
                sheet.column_dimensions[column[0].column_letter].width = min(60, longest + 2)
            sheet.freeze_panes = "A2"
    return path
