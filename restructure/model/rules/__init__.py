"""One module per family of hard rules, all with the same signature::

    define(inst: Instance, m: CpModel, v: Vars, guard: Guard) -> list[Penalty]

Each module adds its constraints (each switchable rule instance through ``guard``) and
returns the soft terms it owns. ``FAMILIES`` is the order they are built in.
"""

from restructure.model.rules import (
    assignment,
    balance,
    functions,
    leadership,
    pins,
    robust,
    sections,
    separation,
    skills,
    staffing,
)

FAMILIES = (assignment, sections, leadership, functions, separation, pins, staffing, balance, robust, skills)
