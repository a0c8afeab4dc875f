"""Sweeps: one scenario under a grid of overrides, run as a batch, and the Pareto front of
workload balance against disruption.

balance    = max_load_ratio - min_load_ratio (0 = every section equally busy)
disruption = duties_moved + staff_moved
A variant is on the front (non-dominated) when no other variant is at least as good on both
and better on one. Lower is better for both.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from restructure.batch import BatchResult, Job, JobResult, run_jobs
from restructure.plan_io import write_csv_rows
from restructure.store import RunStore

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)


def parse_value(text: str) -> Any:
    """'7' -> 7, '0.5' -> 0.5, 'true' -> True, anything else stays text."""
    t = text.strip()
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    for cast in (int, float):
        try:
            return cast(t)
        except ValueError:
            pass
    return t


class VaryError(ValueError):
    """A --vary spec that is not KEY=V1,V2,…; says so in both languages."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def parse_vary(specs: Sequence[str]) -> dict[str, list[Any]]:
    """``["rules.max_basic_sections=7,8,9", "objective.disruption=0,2,5"]`` -> {key: [values]}."""
    grid: dict[str, list[Any]] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        if not sep or not key or "." not in key or not values.strip():
            raise VaryError(
                f"--vary 应写作 键=值1,值2,…，键带点号，例如 rules.max_basic_sections=7,8,9；收到 {spec!r}",
                f"--vary needs KEY=V1,V2,… with a dotted key such as rules.max_basic_sections=7,8,9; got {spec!r}",
            )
        grid[key] = [parse_value(v) for v in values.split(",") if v.strip()]
        if not grid[key]:  # "key=," would make an empty grid: nothing solved, nothing said
            raise VaryError(f"--vary {key} 没有给出取值：{spec!r}", f"--vary {key} has no values: {spec!r}")
    return grid


def grid_overrides(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination, in the order the values were given (first key slowest)."""
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))]


def variant_name(stem: str, overrides: Mapping[str, Any]) -> str:
    parts = [f"{k.rsplit('.', 1)[-1]}-{v}" for k, v in overrides.items()]
    return "__".join([stem, *parts]) if parts else stem


@dataclass(frozen=True)
class SweepPoint:
    name: str
    overrides: Mapping[str, Any]
    status: str
    balance: float | None  # max_load_ratio - min_load_ratio; None without a plan
    disruption: float | None  # duties_moved + staff_moved
    pareto: bool
    run_id: int | None
    error_zh: str = ""  # why the variant has no result (e.g. its rules do not fit the data)
    error_en: str = ""


@dataclass(frozen=True)
class SweepResult:
    batch: BatchResult
    points: tuple[SweepPoint, ...]
    table_csv: Path
    plot_png: Path | None

    @property
    def front(self) -> tuple[SweepPoint, ...]:
        return tuple(p for p in self.points if p.pareto)


def _measures(r: JobResult) -> tuple[float | None, float | None]:
    k = r.kpis
    if "max_load_ratio" not in k or "min_load_ratio" not in k:
        return None, None
    balance = round(float(k["max_load_ratio"]) - float(k["min_load_ratio"]), 6)
    disruption = float(k.get("duties_moved", 0)) + float(k.get("staff_moved", 0))
    return balance, disruption


def pareto_flags(values: Sequence[tuple[float, float] | None]) -> list[bool]:
    """True where a point is non-dominated (lower is better on both axes); None is never on it."""
    flags = []
    for i, v in enumerate(values):
        if v is None:
            flags.append(False)
            continue
        dominated = any(
            w is not None and w[0] <= v[0] and w[1] <= v[1] and (w[0] < v[0] or w[1] < v[1])
            for j, w in enumerate(values)
            if j != i
        )
        flags.append(not dominated)
    return flags


def sweep_points(results: Sequence[JobResult]) -> list[SweepPoint]:
    measures = [_measures(r) for r in results]
    pairs = [(b, d) if b is not None and d is not None else None for b, d in measures]
    flags = pareto_flags(pairs)
    return [
        SweepPoint(
            name=r.name,
            overrides={k: v for k, v in r.overrides.items() if not k.startswith("solver.")},
            status=r.status,
            balance=b,
            disruption=d,
            pareto=f,
            run_id=r.run_id,
            error_zh=r.error_zh,
            error_en=r.error_en,
        )
        for r, (b, d), f in zip(results, measures, flags, strict=True)
    ]


def points_rows(points: Sequence[SweepPoint], keys: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"no": i, "variant": p.name}  # "no" is the number that labels the point in pareto.png
        | {k: p.overrides.get(k, "") for k in keys}
        | {
            "status": p.status,
            "balance": "" if p.balance is None else p.balance,
            "disruption": "" if p.disruption is None else p.disruption,
            "pareto": p.pareto,
            "run_id": "" if p.run_id is None else p.run_id,
        }
        for i, p in enumerate(points, start=1)
    ]


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def plot_front(points: Sequence[SweepPoint], path: Path, *, title: str = "") -> Path:
    """Balance against disruption, the non-dominated variants joined and marked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = _cjk_font()
    rc = {"font.family": [font, "sans-serif"]} if font else {}
    zh = font is not None  # Chinese labels only when a font can draw them
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(7, 5), dpi=100)
        try:
            have = [p for p in points if p.balance is not None]
            others = [p for p in have if not p.pareto]
            front = sorted((p for p in have if p.pareto), key=lambda p: (p.disruption, p.balance))
            ax.scatter(
                [p.disruption for p in others],
                [p.balance for p in others],
                color="0.6",
                label=("被支配方案 / dominated" if zh else "dominated"),
            )
            ax.plot(
                [p.disruption for p in front],
                [p.balance for p in front],
                "o-",
                color="C3",
                label="帕累托前沿 / Pareto front" if zh else "Pareto front",
            )
            for i, p in enumerate(have, start=1):
                ax.annotate(
                    str(i), (p.disruption, p.balance), textcoords="offset points", xytext=(4, 4), fontsize=8
                )
            ax.set_xlabel(
                "调整幅度（职责+人员调整数） / disruption (moves)"
                if zh
                else "disruption (duties + staff moved)"
            )
            ax.set_ylabel("忙闲差（最高-最低工作量比） / balance" if zh else "balance (max - min load ratio)")
            if title:
                ax.set_title(title)
            ax.grid(True, alpha=0.3)
            if have:
                ax.legend(loc="best")
            fig.tight_layout()
            fig.savefig(path)
        finally:
            plt.close(fig)
    return path


def run_sweep(
    scenario: str | Path,
    vary: Mapping[str, Sequence[Any]],
    out: str | Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    time_limit_s: float | None = None,
    store: str | Path | RunStore | None = None,
    show_progress: bool = False,
    plot: bool = True,
) -> SweepResult:
    """Solve ``scenario`` under every combination in ``vary``; write pareto.csv and pareto.png."""
    path = Path(scenario)
    combos = grid_overrides(vary)
    jobs = [Job(name=variant_name(path.stem, ov), path=str(path.resolve()), overrides=ov) for ov in combos]
    batch = run_jobs(
        jobs,
        out,
        workers=workers,
        scheduler=scheduler,
        time_limit_s=time_limit_s,
        store=store,
        show_progress=show_progress,
        kind="sweep",
    )
    points = sweep_points(batch.results)
    out_dir = Path(out)
    table = out_dir / "pareto.csv"
    keys = list(vary)
    write_csv_rows(
        table,
        points_rows(points, keys),
        columns=["no", "variant", *keys, "status", "balance", "disruption", "pareto", "run_id"],
    )
    png = plot_front(points, out_dir / "pareto.png", title=path.stem) if plot else None
    return SweepResult(batch=batch, points=tuple(points), table_csv=table, plot_png=png)
