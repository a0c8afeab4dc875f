"""Simulation: how a structure holds up under workload uncertainty, in process flows and over time."""

from restructure.simulate.processes import (
    ProcessComparison,
    ProcessFlow,
    StepQueue,
    analyse_process,
    compare_processes,
    count_handoffs,
)
from restructure.simulate.report import SimulationReport, simulate
from restructure.simulate.structure import Structure, StructureSection, point_loads
from restructure.simulate.timeline import DynamicSpan, PostViolation, Return, Timeline, build_timeline
from restructure.simulate.workload import (
    Driver,
    SectionDraws,
    SectionRisk,
    Spread,
    WorkloadReport,
    bench_workload,
    draw_sections,
    workload_risk,
)

__all__ = [
    "Driver",
    "DynamicSpan",
    "PostViolation",
    "ProcessComparison",
    "ProcessFlow",
    "Return",
    "SectionDraws",
    "SectionRisk",
    "SimulationReport",
    "Spread",
    "StepQueue",
    "Structure",
    "StructureSection",
    "Timeline",
    "WorkloadReport",
    "analyse_process",
    "bench_workload",
    "build_timeline",
    "compare_processes",
    "count_handoffs",
    "draw_sections",
    "point_loads",
    "simulate",
    "workload_risk",
]
