"""Answers that are files: CSV tables and other documents, named for the client's download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi import Response


def attachment(content: str | bytes, *, media_type: str, filename: str) -> Response:
    """A document the client saves under `filename`."""
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def csv_attachment(header: Sequence[str], rows: Iterable[Sequence[object]], *, filename: str) -> Response:
    """A CSV table (a header line, then one line per row) the client saves under `filename`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return attachment(buffer.getvalue(), media_type="text/csv; charset=utf-8", filename=filename)
