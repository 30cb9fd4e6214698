"""Charts (presentation): an evaluation's cumulative net municipal savings (5-95 % band) against costs
and payments, gross faint behind net so the difference is seen, break-even marked; and a simulation's
payment flows."""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to bytes in a worker thread

from matplotlib.figure import Figure

from outcomes.domain.evaluation import Evaluation
from outcomes.domain.net_evaluation import NetEvaluation


def render_chart(result: Evaluation, extension: str, currency: str, net: NetEvaluation | None = None) -> bytes:
    """SVG or PNG bytes; amounts shown in whole kroner."""
    labels = [str(row.month) for row in result.by_month]
    savings = list(itertools.accumulate(row.municipal_saving / 100 for row in result.by_month))
    outlays = list(itertools.accumulate((row.programme_costs + row.outcome_payments) / 100 for row in result.by_month))
    figure = Figure(figsize=(9, 4.5), dpi=100)
    axes = figure.subplots()
    if net is None:
        axes.plot(labels, savings, label="Cumulative municipal savings", color="#1b7f3b", linewidth=2)
    else:
        axes.plot(labels, savings, label="Cumulative gross municipal savings", color="#1b7f3b", linewidth=1, alpha=0.3)
        caused = list(itertools.accumulate(row.net_municipal_saving / 100 for row in net.by_month))
        if net.cumulative_band is not None:
            low, high = net.cumulative_band
            axes.fill_between(
                labels,
                [value / 100 for value in low],
                [value / 100 for value in high],
                color="#1b7f3b",
                alpha=0.15,
                label="5-95 % band (bootstrap over matched citizens)",
            )
        axes.plot(labels, caused, label="Cumulative net municipal savings (caused)", color="#1b7f3b", linewidth=2)
    axes.plot(labels, outlays, label="Cumulative programme costs + outcome payments", color="#b23a48", linewidth=2)
    if result.break_even_month is not None:
        month = str(result.break_even_month)
        axes.axvline(labels.index(month), color="#555555", linestyle="--", linewidth=1)
        axes.annotate(f"break-even {month}", xy=(month, 0), xytext=(4, 8), textcoords="offset points", fontsize=8)
    axes.set_ylabel(currency)
    axes.set_title("Did it pay off for the municipality?")
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)
    axes.legend(loc="upper left", fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=extension)
    return buffer.getvalue()


def render_flows_chart(result: Mapping[str, Any], currency: str) -> bytes:
    """A simulation's mean monthly flows stacked by payer -> payee, and the cumulative net with its 5-95 % band."""
    flows: Mapping[str, Any] = result.get("flows") or {}
    band: Mapping[str, Any] = result.get("cumulative_net") or {}
    months = len(band.get("mean", [])) or max((len(flow["nominal"]["mean"]) for flow in flows.values()), default=0)
    x = list(range(months))
    figure = Figure(figsize=(9, 4.5), dpi=100)
    axes = figure.subplots()
    above = [0.0] * months
    below = [0.0] * months
    for name, flow in sorted(flows.items()):
        values = [value / 100 for value in flow["nominal"]["mean"]]
        bottoms = [below[i] if value < 0 else above[i] for i, value in enumerate(values)]
        axes.bar(x, values, bottom=bottoms, label=f"{flow['payer']} -> {flow['payee']} ({name})", alpha=0.8)
        for i, value in enumerate(values):
            if value < 0:
                below[i] += value
            else:
                above[i] += value
    if band:
        axes.plot(
            x, [value / 100 for value in band["mean"]], color="#222222", linewidth=2, label="cumulative net (mean)"
        )
        axes.fill_between(
            x,
            [value / 100 for value in band["p5"]],
            [value / 100 for value in band["p95"]],
            color="#888888",
            alpha=0.25,
            label="cumulative net, 5-95 %",
        )
    axes.axhline(0, color="#555555", linewidth=0.8)
    axes.set_xlabel("month of the programme")
    axes.set_ylabel(currency)
    axes.set_title("Simulated payment flows per month (mean) and the municipality's cumulative net")
    axes.legend(loc="upper left", fontsize=7)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()
