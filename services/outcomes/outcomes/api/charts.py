"""The evaluation chart: cumulative costs and payments vs cumulative municipal savings, break-even marked."""

from __future__ import annotations

import io
import itertools

import matplotlib

matplotlib.use("Agg")  # no display: render to bytes in a worker thread

from matplotlib.figure import Figure

from outcomes.domain.evaluation import Evaluation


def render_chart(result: Evaluation, extension: str, currency: str) -> bytes:
    """SVG or PNG bytes; amounts shown in whole kroner."""
    labels = [str(row.month) for row in result.by_month]
    savings = list(itertools.accumulate(row.municipal_saving / 100 for row in result.by_month))
    outlays = list(itertools.accumulate((row.programme_costs + row.outcome_payments) / 100 for row in result.by_month))
    figure = Figure(figsize=(9, 4.5), dpi=100)
    axes = figure.subplots()
    axes.plot(labels, savings, label="Cumulative municipal savings", color="#1b7f3b", linewidth=2)
    axes.plot(labels, outlays, label="Cumulative programme costs + outcome payments", color="#b23a48", linewidth=2)
    if result.break_even_month is not None:
        month = str(result.break_even_month)
        axes.axvline(labels.index(month), color="#555555", linestyle="--", linewidth=1)
        axes.annotate(f"break-even {month}", xy=(month, 0), xytext=(4, 8), textcoords="offset points", fontsize=8)
    axes.set_ylabel(currency)
    axes.set_title("Was it an economic gain for the municipality?")
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)
    axes.legend(loc="upper left", fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=extension)
    return buffer.getvalue()
