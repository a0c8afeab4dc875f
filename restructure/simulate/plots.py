"""PNG charts of a SimulationReport (matplotlib, Agg, no display, no pyplot state).

Labels are Chinese when a CJK font is installed ("Noto Sans CJK SC/JP", "WenQuanYi ..."),
otherwise English with section ids, so no glyph is ever missing.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from restructure.simulate.report import SimulationReport
from restructure.simulate.workload import WorkloadReport

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
)

TEXT = {
    "load_title": (
        "各科室人均工作量相对部门平均(P5-P95)",
        "Workload per FTE relative to the department average (P5-P95)",
    ),
    "ratio": ("负荷比", "load ratio"),
    "band": ("容许范围", "tolerance band"),
    "today": ("现状", "today"),
    "plan": ("方案", "plan"),
    "proc_title": ("流程办结天数:调整前后", "Process cycle days before and after"),
    "processing": ("办理", "processing"),
    "handoff": ("交接", "handoff"),
    "queue": ("排队", "queue"),
    "simulated": ("仿真", "simulated"),
    "days": ("工作日", "working days"),
    "posts_title": ("在用领导职数与核定数", "Leadership posts in use and quota"),
    "posts": ("在用领导职数", "posts in use"),
    "quota": ("核定领导职数", "quota"),
}


def cjk_font() -> str | None:
    """The first installed CJK font family of CJK_FONTS, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


class _Text:
    def __init__(self, zh: bool):
        self.zh = zh

    def __call__(self, key: str) -> str:
        return TEXT[key][0 if self.zh else 1]

    def section(self, sid: str, name: str) -> str:
        return f"{sid} {name}" if self.zh else sid


def write_plots(report: SimulationReport, out_dir: str | Path) -> list[Path]:
    """Write load_ratio.png, processes.png (when there are processes) and timeline.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    font = cjk_font()
    t = _Text(zh=font is not None)
    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}
    paths = []
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        # Ids typed in CJK with no CJK font would only lose glyphs, never the chart.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        paths.append(_save(_load_figure(report, t), out / "load_ratio.png"))
        if report.processes:
            paths.append(_save(_process_figure(report, t), out / "processes.png"))
        if report.timeline.months:
            paths.append(_save(_timeline_figure(report, t), out / "timeline.png"))
    return paths


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=110)
    return path


def _box_stats(w: WorkloadReport, t: _Text) -> list[dict]:
    return [
        {
            "label": t.section(s.section_id, s.name),
            "whislo": s.p5,
            "q1": s.p25,
            "med": s.p50,
            "q3": s.p75,
            "whishi": s.p95,
            "mean": s.mean,
            "fliers": [],
        }
        for s in w.sections
        if s.staffed
    ]


def _load_figure(report: SimulationReport, t: _Text) -> Figure:
    panels = [("today", report.today)] + ([("plan", report.plan)] if report.plan is not None else [])
    widths = [max(2, len(w.sections)) for _, w in panels]
    fig = Figure(figsize=(min(18, 2 + 0.7 * sum(widths)), 5), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, width_ratios=widths, squeeze=False)[0]
    tol = report.tolerance
    for ax, (key, w) in zip(axes, panels, strict=True):
        ax.axhspan(1 - tol, 1 + tol, color="tab:green", alpha=0.12, label=t("band"))
        ax.axhline(1.0, color="tab:green", lw=0.8)
        stats = _box_stats(w, t)
        if stats:
            ax.bxp(stats, showmeans=True, showfliers=False)
            ax.tick_params(axis="x", labelrotation=45)
        ax.set_title(t(key))
        ax.legend(loc="upper right", fontsize="small")
    axes[0].set_ylabel(t("ratio"))
    fig.suptitle(t("load_title"))
    return fig


def _process_figure(report: SimulationReport, t: _Text) -> Figure:
    rows = []
    for k, c in enumerate(report.processes, start=1):
        for f in (c.before, c.after):
            if f is not None:
                # Process names are Chinese; without a CJK font they are numbered in table order.
                rows.append((f"{c.name} · {t(f.structure)}" if t.zh else f"P{k} {t(f.structure)}", f))
    fig = Figure(figsize=(9, 1.2 + 0.45 * len(rows)), layout="constrained")
    ax = fig.subplots()
    ys = list(range(len(rows)))[::-1]
    proc = [f.processing_days for _, f in rows]
    hand = [f.handoff_days for _, f in rows]
    queue = [f.queue_days for _, f in rows]
    ax.barh(ys, proc, color="tab:blue", label=t("processing"))
    ax.barh(ys, hand, left=proc, color="tab:orange", label=t("handoff"))
    ax.barh(
        ys, queue, left=[p + h for p, h in zip(proc, hand, strict=True)], color="tab:red", label=t("queue")
    )
    sim = [(y, f.sim_cycle_days) for y, (_, f) in zip(ys, rows, strict=True) if f.sim_cycle_days is not None]
    if sim:
        ax.scatter(
            [s for _, s in sim],
            [y for y, _ in sim],
            marker="D",
            color="black",
            zorder=3,
            label=t("simulated"),
        )
    ax.set_yticks(ys, [name for name, _ in rows])
    ax.set_xlabel(t("days"))
    ax.set_title(t("proc_title"))
    ax.legend(loc="lower right", fontsize="small")
    return fig


def _timeline_figure(report: SimulationReport, t: _Text) -> Figure:
    tl = report.timeline
    fig = Figure(figsize=(10, 3 + 0.35 * len(tl.spans)), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, max(1, len(tl.spans))])
    x = list(range(len(tl.months)))
    top.step(x, tl.posts_used, where="mid", color="tab:blue", label=t("posts"))
    top.axhline(tl.quota, color="tab:red", ls="--", label=t("quota"))
    top.set_ylim(0, max(tl.quota, tl.max_posts_used) + 1)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.set_title(t("posts_title"))
    top.legend(loc="lower right", fontsize="small")
    for k, span in enumerate(tl.spans):
        bottom.barh(
            k, span.open_to - span.open_from + 1, left=span.open_from - 0.5, color="tab:purple", alpha=0.7
        )
    bottom.set_yticks(range(len(tl.spans)), [t.section(s.section_id, s.name) for s in tl.spans])
    step = max(1, len(x) // 12)
    bottom.set_xticks(x[::step], tl.months[::step], rotation=45)
    return fig
