"""Workload uncertainty: how often does each section end up over- or under-loaded?

Model (all draws vectorised, one ``numpy.random.default_rng(seed)``):

* Each duty's yearly workload is drawn between ``workload_low`` and ``workload_high`` with
  mode ``workload_fte``: Beta-PERT with λ = 4 by default, or triangular, or uniform.
  Where a duty gives no range, the default spread is ±25 % around ``workload_fte``
  (``DEFAULT_SPREAD``); where it gives only one end, the other end is the default one.
  A duty with low == high == fte is drawn exactly at fte.
* Each person's available capacity is ``capacity_fte × (1 − A)``, where the share of the
  year away A ~ Beta with mean ``absence_rate`` and concentration a + b = 20
  (``ABSENCE_CONCENTRATION``): with the default 5 % most people lose a few percent and a
  few lose 15-20 % (long leave). ``absence_rate = 0`` gives the capacity exactly.
* A section's load ratio per draw is the KPI ``max_load_ratio`` evaluated on that draw:
  (section load / section capacity) / (total load / total capacity), totals over the duties
  and staff the structure places.
* Drivers of a section's risk are the duties with the largest share of the variance of the
  section's load. Duties are drawn independently, so within a section these shares add up
  to 1 (up to sampling noise).

Today's structure and a plan simulated with the same seed see the same duty and absence
draws (common random numbers), so their difference is not sampling noise.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from restructure.domain import (
    Department,
    Duty,
    Function,
    Person,
    Rank,
    Section,
    SectionKind,
)
from restructure.simulate.structure import Structure, point_loads

DEFAULT_SPREAD = 0.25  # ± share of workload_fte used where a duty gives no range
PERT_LAMBDA = 4.0
ABSENCE_CONCENTRATION = 20.0  # a + b of the absence Beta; larger = less variation between people
DEFAULT_ABSENCE_RATE = 0.05
DRIVERS_PER_SECTION = 3


class Spread(StrEnum):
    """Shape of a duty's workload distribution between its low and high ends."""

    PERT = "pert"
    TRIANGULAR = "triangular"
    UNIFORM = "uniform"  # ignores the mode; for checks against closed forms


def duty_ranges(duties: Sequence[Duty]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, mode, high) arrays; missing ends default to ∓ DEFAULT_SPREAD × workload_fte."""
    mode = np.array([d.workload_fte for d in duties], dtype=float)
    low = np.array(
        [
            d.workload_low if d.workload_low is not None else d.workload_fte * (1 - DEFAULT_SPREAD)
            for d in duties
        ],
        dtype=float,
    )
    high = np.array(
        [
            d.workload_high if d.workload_high is not None else d.workload_fte * (1 + DEFAULT_SPREAD)
            for d in duties
        ],
        dtype=float,
    )
    # A range that does not contain the mode is widened to contain it (the validator should
    # already have refused it; this keeps the Beta parameters valid).
    low = np.minimum(low, mode)
    high = np.maximum(high, mode)
    return low, mode, high


def sample_duty_workloads(
    duties: Sequence[Duty], draws: int, rng: np.random.Generator, spread: Spread = Spread.PERT
) -> np.ndarray:
    """A draws × duties matrix of yearly workloads (FTE)."""
    low, mode, high = duty_ranges(duties)
    width = high - low
    n = len(duties)
    if n == 0:
        return np.zeros((draws, 0))
    safe = np.where(width > 0, width, 1.0)
    if spread is Spread.PERT:
        alpha = np.where(width > 0, 1 + PERT_LAMBDA * (mode - low) / safe, 1.0)
        beta = np.where(width > 0, 1 + PERT_LAMBDA * (high - mode) / safe, 1.0)
        unit = rng.beta(alpha, beta, size=(draws, n))
    elif spread is Spread.TRIANGULAR:
        # Inverse CDF, so a zero-width range needs no special case (numpy's triangular refuses it).
        c = np.where(width > 0, (mode - low) / safe, 0.5)
        u = rng.random((draws, n))
        unit = np.where(u < c, np.sqrt(u * c), 1 - np.sqrt((1 - u) * (1 - c)))
    elif spread is Spread.UNIFORM:
        unit = rng.random((draws, n))
    else:  # pragma: no cover - StrEnum exhausts the cases
        raise ValueError(spread)
    return low + width * unit


def sample_staff_capacity(
    staff: Sequence[Person], draws: int, rng: np.random.Generator, absence_rate: float = DEFAULT_ABSENCE_RATE
) -> np.ndarray:
    """A draws × staff matrix of available capacity: capacity_fte × (1 − share of the year away)."""
    if not 0 <= absence_rate < 1:
        raise ValueError(f"absence_rate must be in [0, 1), got {absence_rate}")
    cap = np.array([p.capacity_fte for p in staff], dtype=float)
    if absence_rate == 0 or len(staff) == 0:
        return np.broadcast_to(cap, (draws, len(staff))).copy()
    a = absence_rate * ABSENCE_CONCENTRATION
    b = (1 - absence_rate) * ABSENCE_CONCENTRATION
    away = rng.beta(a, b, size=(draws, len(staff)))
    return cap * (1 - away)


@dataclass(frozen=True, eq=False)
class SectionDraws:
    """Per-draw section loads and capacities of one structure (arrays: draws × sections)."""

    section_ids: tuple[str, ...]
    duty_ids: tuple[str, ...]  # duties the structure places, in column order of duty_loads
    duty_loads: np.ndarray  # draws × placed duties
    loads: np.ndarray  # draws × sections
    capacity: np.ndarray  # draws × sections
    total_load: np.ndarray  # draws
    total_capacity: np.ndarray  # draws

    @property
    def ratio(self) -> np.ndarray:
        """(load / capacity) / (total load / total capacity) per draw; inf where a loaded section has no staff."""
        with np.errstate(divide="ignore", invalid="ignore"):
            per_fte = self.loads / self.capacity
            per_fte = np.where(self.capacity > 0, per_fte, np.where(self.loads > 0, np.inf, 0.0))
            avg = self.total_load / self.total_capacity
            return per_fte / avg[:, None]


def draw_sections(
    structure: Structure,
    department: Department,
    *,
    draws: int = 10_000,
    seed: int = 0,
    absence_rate: float = DEFAULT_ABSENCE_RATE,
    spread: Spread = Spread.PERT,
) -> SectionDraws:
    """Draw every duty's workload and every person's availability, and sum them per section.

    Duties are drawn first and in the department's order, so the duty draws do not depend on
    the structure or on the absence rate.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    rng = np.random.default_rng(seed)
    duty_draws = sample_duty_workloads(department.duties, draws, rng, spread)
    staff_draws = sample_staff_capacity(department.staff, draws, rng, absence_rate)

    col = {sid: j for j, sid in enumerate(structure.section_ids)}
    n_sec = len(col)
    placed_d = [i for i, d in enumerate(department.duties) if d.id in structure.duty_section]
    placed_p = [i for i, p in enumerate(department.staff) if p.id in structure.staff_section]
    duty_onehot = np.zeros((len(placed_d), n_sec))
    for row, i in enumerate(placed_d):
        duty_onehot[row, col[structure.duty_section[department.duties[i].id]]] = 1.0
    staff_onehot = np.zeros((len(placed_p), n_sec))
    for row, i in enumerate(placed_p):
        staff_onehot[row, col[structure.staff_section[department.staff[i].id]]] = 1.0

    duty_loads = duty_draws[:, placed_d]
    loads = duty_loads @ duty_onehot
    capacity = staff_draws[:, placed_p] @ staff_onehot
    return SectionDraws(
        section_ids=structure.section_ids,
        duty_ids=tuple(department.duties[i].id for i in placed_d),
        duty_loads=duty_loads,
        loads=loads,
        capacity=capacity,
        total_load=duty_loads.sum(axis=1),
        total_capacity=capacity.sum(axis=1),
    )


@dataclass(frozen=True)
class Driver:
    """A duty behind a section's load variation."""

    duty_id: str
    name: str
    variance_share: float  # share of the variance of the section's load


@dataclass(frozen=True)
class SectionRisk:
    """How one section's load ratio is distributed over the draws."""

    section_id: str
    name: str
    kind: SectionKind
    workload_fte: float  # point estimate
    capacity_fte: float  # point estimate
    point_ratio: float  # the KPI ratio from point estimates (no uncertainty)
    mean: float
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float
    p_over: float  # probability that ratio > 1 + tolerance
    p_under: float  # probability that ratio < 1 - tolerance
    drivers: tuple[Driver, ...]

    @property
    def staffed(self) -> bool:
        return self.capacity_fte > 0


@dataclass(frozen=True)
class WorkloadReport:
    """Load-ratio risk of every section of one structure."""

    label: str  # "today" or "plan"
    draws: int
    seed: int
    absence_rate: float
    spread: Spread
    tolerance: float  # max_load_deviation of the scenario's rules
    sections: tuple[SectionRisk, ...]
    p_any_over: float  # probability that at least one section exceeds the tolerance
    expected_sections_over: float

    def section(self, sid: str) -> SectionRisk:
        for s in self.sections:
            if s.section_id == sid:
                return s
        raise KeyError(sid)

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {
                "section": s.section_id,
                "name": s.name,
                "kind": s.kind.value,
                "workload_fte": s.workload_fte,
                "capacity_fte": s.capacity_fte,
                "point_ratio": s.point_ratio,
                "mean": s.mean,
                "p5": s.p5,
                "p50": s.p50,
                "p95": s.p95,
                "p_over": s.p_over,
                "p_under": s.p_under,
                "drivers": "; ".join(f"{d.duty_id} {d.name} ({d.variance_share:.0%})" for d in s.drivers),
            }
            for s in self.sections
        ]
        return pd.DataFrame(rows, columns=list(WORKLOAD_COLUMNS))


WORKLOAD_COLUMNS = (
    "section",
    "name",
    "kind",
    "workload_fte",
    "capacity_fte",
    "point_ratio",
    "mean",
    "p5",
    "p50",
    "p95",
    "p_over",
    "p_under",
    "drivers",
)


def workload_risk(
    structure: Structure,
    department: Department,
    *,
    tolerance: float = 0.20,
    draws: int = 10_000,
    seed: int = 0,
    absence_rate: float = DEFAULT_ABSENCE_RATE,
    spread: Spread = Spread.PERT,
) -> WorkloadReport:
    """Simulate the structure's section loads and summarise each section's risk."""
    if department.total_capacity <= 0 or not structure.staff_section:
        raise ValueError("the structure places no staff capacity: load ratios are undefined")
    sd = draw_sections(
        structure, department, draws=draws, seed=seed, absence_rate=absence_rate, spread=spread
    )
    ratio = sd.ratio
    staffed = np.all(sd.capacity > 0, axis=0)
    # A section without staff has the same ratio in every draw (inf with work, 0 without).
    qs = np.tile(ratio[0], (5, 1))
    means = ratio[0].copy()
    if staffed.any():
        qs[:, staffed] = np.percentile(ratio[:, staffed], [5, 25, 50, 75, 95], axis=0)
        means[staffed] = ratio[:, staffed].mean(axis=0)
    over = ratio > 1 + tolerance
    under = ratio < 1 - tolerance

    duty_var = sd.duty_loads.var(axis=0) if draws > 1 else np.zeros(len(sd.duty_ids))
    duty_col = {did: j for j, did in enumerate(sd.duty_ids)}
    names = {d.id: d.name for d in department.duties}
    points = point_loads(structure, department)
    tot_load = sum(p.workload_fte for p in points.values())
    tot_cap = sum(p.capacity_fte for p in points.values())
    avg = tot_load / tot_cap

    sections = []
    for j, sec in enumerate(structure.sections):
        pt = points[sec.id]
        sec_duties = [d for d in sd.duty_ids if structure.duty_section[d] == sec.id]
        var = np.array([duty_var[duty_col[d]] for d in sec_duties])
        drivers: tuple[Driver, ...] = ()
        if len(var) and var.sum() > 0:
            order = np.argsort(-var, kind="stable")[:DRIVERS_PER_SECTION]
            drivers = tuple(
                Driver(sec_duties[k], names[sec_duties[k]], float(var[k] / var.sum()))
                for k in order
                if var[k] > 0
            )
        sections.append(
            SectionRisk(
                section_id=sec.id,
                name=sec.name,
                kind=sec.kind,
                workload_fte=pt.workload_fte,
                capacity_fte=pt.capacity_fte,
                point_ratio=pt.utilisation / avg if avg > 0 else 0.0,
                mean=float(means[j]),
                p5=float(qs[0, j]),
                p25=float(qs[1, j]),
                p50=float(qs[2, j]),
                p75=float(qs[3, j]),
                p95=float(qs[4, j]),
                p_over=float(over[:, j].mean()),
                p_under=float(under[:, j].mean()),
                drivers=drivers,
            )
        )
    return WorkloadReport(
        label=structure.label,
        draws=draws,
        seed=seed,
        absence_rate=absence_rate,
        spread=spread,
        tolerance=tolerance,
        sections=tuple(sections),
        p_any_over=float(over.any(axis=1).mean()),
        expected_sections_over=float(over.sum(axis=1).mean()),
    )


def bench_department(n_duties: int = 300, seed: int = 0) -> Department:
    """A synthetic department of ``n_duties`` duties in 12 sections with one person per 1.5 duties."""
    rng = np.random.default_rng(seed)
    n_sec = 12
    sections = tuple(Section(id=f"S{k:02d}", name=f"科室{k:02d}", deputy_posts=1) for k in range(n_sec))
    fte = rng.uniform(0.2, 1.5, n_duties)
    spread = rng.uniform(0.0, 0.4, n_duties)
    duties = tuple(
        Duty(
            id=f"D{i:04d}",
            name=f"职责{i:04d}",
            function=Function.BUSINESS,
            workload_fte=float(fte[i]),
            current_section=f"S{i % n_sec:02d}",
            workload_low=float(fte[i] * (1 - spread[i])),
            workload_high=float(fte[i] * (1 + 1.5 * spread[i])),
        )
        for i in range(n_duties)
    )
    n_staff = max(n_sec, int(fte.sum()))
    staff = tuple(
        Person(id=f"P{i:04d}", rank=Rank.STAFF, current_section=f"S{i % n_sec:02d}") for i in range(n_staff)
    )
    return Department(name="bench", sections=sections, duties=duties, staff=staff)


def bench_workload(n_duties: int = 300, draws: int = 10_000, seed: int = 0) -> float:
    """Wall seconds to simulate ``draws`` draws of a synthetic ``n_duties``-duty department (target < 1 s)."""
    dept = bench_department(n_duties, seed)
    structure = Structure.today(dept)
    start = time.perf_counter()
    workload_risk(structure, dept, draws=draws, seed=seed)
    return time.perf_counter() - start
