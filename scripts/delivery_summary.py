#!/usr/bin/env python3
"""Print the summary of the DVZ delivery a build just published (RULES.md §8a): for each
manifest in the export folder written after a stamp file, the batch month, the rows
delivered (of which late), the corrections, the ledger months read and the files.

    python scripts/delivery_summary.py EXPORT_DIR --newer-than STAMP

Prints that no delivery file was written when there is none (the build's log says why:
only a `dbt build` whose every node passed publishes). Used by scripts/run.sh.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def summaries(folder: Path, newer_than: float) -> list[str]:
    lines = []
    for manifest_path in sorted(folder.glob("dvz_transfer_batch_*.manifest.json")):
        if manifest_path.stat().st_mtime < newer_than:
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        ledger = manifest.get("ledger_months") or []
        read = (f"{ledger[0]} .. {ledger[-1]} ({len(ledger)} month{'s' if len(ledger) > 1 else ''})" if ledger
                else "none (nothing delivered before)")
        lines.append(
            f"DVZ batch {manifest['batch_month']} (as of {manifest['as_of_date']}): {manifest['rows_delivered']} rows "
            f"delivered, of which {manifest['late_rows']} late; {manifest['corrections']} corrections; "
            f"ledger months read: {read}")
        lines += [f"  {folder / item['file']}  ({item['rows']} rows)" for item in manifest["files"]]
        lines.append(f"  {manifest_path}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("--newer-than", type=Path, required=True, help="a file made before the build started")
    args = parser.parse_args(argv)
    lines = summaries(args.export_dir, args.newer_than.stat().st_mtime)
    print("\n".join(lines) if lines else
          f"no DVZ delivery file written to {args.export_dir} (see the build's log for why)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
