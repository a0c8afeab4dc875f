"""Check the arithmetic every bundled scenario must satisfy before it can have a plan.

Run from anywhere: ``python scenarios/check_arithmetic.py [scenario.toml ...]`` (default: every
``*.toml`` next to this file). It reads the CSV files with the standard library only, so it also
works on a fresh clone before ``restructure`` is installed. It is not the loader and not the model:
it checks the counting that decides whether a plan can exist at all (posts, headcount, workload,
key tasks, chains) plus the house conventions for bundled data, and exits 1 on any failure.
"""

from __future__ import annotations

import csv
import math
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The contract's defaults for the rules this script looks at (docs/data-contract.md, section 2.2).
RULE_DEFAULTS: dict[str, Any] = {
    "max_basic_sections": 9,
    "max_dynamic_sections": 3,
    "keep_section_count": False,
    "keep_leadership_posts": True,
    "max_deputies_per_section": 3,
    "single_section": ["support"],
    "separate_stages": True,
    "max_nonbusiness_section_share": 0.30,
    "min_section_staff": 3,
    "max_load_deviation": 0.20,
    "together": [],
    "apart": [],
}
FUNCTIONS = ("support", "policy", "business", "licensing", "enforcement", "key_task")

# House conventions for bundled data (not rules of the model).
WORKLOAD_RATIO = (0.85, 1.0)  # total workload / total capacity
SUPPORT_SHARE = (0.10, 0.15)  # support workload / total workload
DUTY_FTE = (0.1, 2.0)
KEY_TASK_FTE = (3.0, 6.0)
COMFORT_AVG_STAFF = 4.0  # fewer people per planned section on average is possible but tight: a note


@dataclass
class Report:
    name: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def check(self, ok: bool, zh: str, en: str) -> None:
        if not ok:
            self.failures.append(f"{zh} / {en}")

    def fact(self, text: str) -> None:
        self.facts.append(text)


def merged_settings(path: Path) -> tuple[dict[str, Any], Path]:
    """The scenario after ``extends`` (tables merged key by key), and the folder its data is relative to."""
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    if "extends" not in cfg:
        return cfg, path.parent
    base, base_dir = merged_settings(path.parent / cfg["extends"])
    for key, value in cfg.items():
        if key == "extends":
            continue
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base, (path.parent if "data" in cfg else base_dir)


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k.strip().lower(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def check_ids(rep: Report, kind: str, rows: list[dict[str, str]], prefix: str) -> None:
    ids = [r["id"] for r in rows]
    dupes = sorted(i for i, c in Counter(ids).items() if c > 1)
    rep.check(not dupes, f"{kind}编号重复: {dupes}", f"duplicate {kind} ids: {dupes}")
    bad = [i for i in ids if not (i.startswith(prefix) and i[len(prefix) :].isdigit())]
    rep.check(
        not bad,
        f"{kind}编号应为{prefix}加数字: {bad[:5]}",
        f"{kind} ids should be {prefix}+digits: {bad[:5]}",
    )


def check_scenario(path: Path) -> Report:
    cfg, data_dir = merged_settings(path)
    rep = Report(path.name)
    rules = {**RULE_DEFAULTS, **cfg.get("rules", {})}
    folder = data_dir / cfg["data"]
    sections = read_rows(folder / "sections.csv")
    duties = read_rows(folder / "duties.csv")
    staff = read_rows(folder / "staff.csv")
    key_tasks = read_rows(folder / "key_tasks.csv")
    rep.check(bool(sections and duties and staff), f"{folder}缺少数据文件", f"missing data files in {folder}")
    if not (sections and duties and staff):
        return rep
    check_ids(rep, "sections", sections, "S")
    check_ids(rep, "duties", duties, "D")
    check_ids(rep, "staff", staff, "P")
    check_ids(rep, "key_tasks", key_tasks, "KT")

    # --- references ---------------------------------------------------------------------------
    sec_ids = {s["id"] for s in sections}
    kt_ids = {k["id"] for k in key_tasks}
    for d in duties:
        rep.check(
            d["function"] in FUNCTIONS, f"{d['id']}职能无效", f"{d['id']}: unknown function {d['function']}"
        )
        cur = d.get("current_section", "")
        rep.check(not cur or cur in sec_ids, f"{d['id']}现有科室不存在", f"{d['id']}: no section {cur}")
        if d["function"] == "key_task":
            rep.check(d.get("key_task") in kt_ids, f"{d['id']}未指明重点工作", f"{d['id']}: key_task missing")
        rep.check(
            bool(d.get("chain")) == bool(d.get("stage")),
            f"{d['id']}链条和环节须同时填写",
            f"{d['id']}: chain without stage",
        )
    for p in staff:
        cur = p.get("current_section", "")
        rep.check(not cur or cur in sec_ids, f"{p['id']}现有科室不存在", f"{p['id']}: no section {cur}")

    # --- leadership posts today ---------------------------------------------------------------
    rank_in: dict[str, Counter[str]] = defaultdict(Counter)
    for p in staff:
        rank_in[p.get("current_section", "")][p["rank"]] += 1
    chiefs_today = sum(int(s.get("chief_posts") or 1) for s in sections)
    posts_total = chiefs_today + sum(int(s.get("deputy_posts") or 0) for s in sections)
    for s in sections:
        chief_posts, deputy_posts = int(s.get("chief_posts") or 1), int(s.get("deputy_posts") or 0)
        people = sum(rank_in[s["id"]].values())
        rep.check(
            chief_posts == (1 if people else 0),
            f"{s['name']}正职职数应为1（无人时为0）",
            f"{s['name']}: chief_posts should be 1 (0 only when empty)",
        )
        rep.check(
            rank_in[s["id"]]["chief"] == chief_posts,
            f"{s['name']}科长人数与正职职数不符",
            f"{s['name']}: {rank_in[s['id']]['chief']} chiefs for {chief_posts} chief posts",
        )
        rep.check(
            rank_in[s["id"]]["deputy"] == deputy_posts,
            f"{s['name']}副科长人数与副职职数不符",
            f"{s['name']}: {rank_in[s['id']]['deputy']} deputies for {deputy_posts} deputy posts",
        )

    # --- how many sections the plan can have ------------------------------------------------
    today = len(sections)
    nb, nd, max_dep = (
        rules["max_basic_sections"],
        rules["max_dynamic_sections"],
        rules["max_deputies_per_section"],
    )
    live_tasks = len(kt_ids) if rules.get("dynamic_for_key_tasks_only", True) else nd
    if rules["keep_section_count"]:
        rep.check(
            nb + nd >= today, "基本+动态科室上限小于现有科室数", f"{nb}+{nd} slots < {today} sections kept"
        )
        candidates = [today]
    else:
        # Dynamic sections hold key-task work only, so without key tasks the plan has basic ones only.
        top = min(today, nb + (nd if live_tasks else 0))
        candidates = list(range(1, top + 1))
    if rules["keep_leadership_posts"]:
        candidates = [n for n in candidates if n <= chiefs_today and 0 <= posts_total - n <= max_dep * n]
    rep.check(
        bool(candidates),
        f"领导职数{posts_total}个无法分配到科室（每科室1正职、至多{max_dep}副职）",
        f"{posts_total} leadership posts cannot be spread over sections (1 chief, <= {max_dep} deputies each)",
    )
    rep.fact(
        f"posts {chiefs_today}+{posts_total - chiefs_today}={posts_total}; possible section counts {candidates}"
    )
    n = max(candidates) if candidates else today

    # --- headcount and workload -------------------------------------------------------------
    heads = len(staff)
    min_staff = rules["min_section_staff"]
    rep.check(
        heads >= min_staff * n,
        f"人员{heads}人不足{n}个科室×{min_staff}人",
        f"{heads} staff < {n}x{min_staff}",
    )
    if heads / n < COMFORT_AVG_STAFF:
        rep.notes.append(
            f"{n}个科室平均{heads / n:.1f}人，人员配置偏紧 / {heads / n:.1f} people per section over {n}: tight"
        )
    cap = sum(float(p.get("capacity_fte") or 1) for p in staff)
    work = sum(float(d["workload_fte"]) for d in duties)
    ratio = work / cap
    lo, hi = WORKLOAD_RATIO
    rep.check(
        lo <= ratio <= hi, f"工作量/人员力量={ratio:.2f}", f"workload/capacity {ratio:.2f} outside {lo}-{hi}"
    )
    rep.fact(f"{len(duties)} duties {work:.1f} FTE, {heads} staff {cap:.1f} FTE, ratio {ratio:.3f}")
    for d in duties:
        fte = float(d["workload_fte"])
        rep.check(
            DUTY_FTE[0] <= fte <= DUTY_FTE[1], f"{d['id']}工作量{fte}", f"{d['id']}: workload {fte} FTE"
        )
        low, high = float(d.get("workload_low") or fte), float(d.get("workload_high") or fte)
        rep.check(
            0 < low <= fte <= high, f"{d['id']}工作量区间有误", f"{d['id']}: needs low <= workload <= high"
        )
    for p in staff:
        c = float(p.get("capacity_fte") or 1)
        rep.check(0 < c <= 1, f"{p['id']}人员力量应在(0,1]", f"{p['id']}: capacity_fte {c} outside (0, 1]")

    by_function: Counter[str] = Counter()
    for d in duties:
        by_function[d["function"]] += float(d["workload_fte"])
    share = by_function["support"] / work
    rep.check(
        SUPPORT_SHARE[0] <= share <= SUPPORT_SHARE[1],
        f"综合保障工作量占比{share:.0%}",
        f"support share {share:.1%} outside {SUPPORT_SHARE[0]:.0%}-{SUPPORT_SHARE[1]:.0%}",
    )
    rep.fact(
        f"support share {share:.1%}; by function " + ", ".join(f"{f} {by_function[f]:.1f}" for f in FUNCTIONS)
    )
    nonbiz_allowed = math.floor(rules["max_nonbusiness_section_share"] * min(candidates or [n]) + 1e-9)
    rep.check(
        nonbiz_allowed >= 1,
        "非业务科室占比上限连一个综合保障科室都容不下",
        "the non-business share leaves no room for the one support section",
    )

    # --- key tasks: a dynamic section of min_section_staff full-time people must balance -------
    dev = rules["max_load_deviation"]
    for kt in key_tasks:
        kt_work = sum(float(d["workload_fte"]) for d in duties if d.get("key_task") == kt["id"])
        rep.check(
            KEY_TASK_FTE[0] <= kt_work <= KEY_TASK_FTE[1],
            f"重点工作{kt['id']}工作量{kt_work:.1f}",
            f"key task {kt['id']}: {kt_work:.1f} FTE outside {KEY_TASK_FTE[0]:g}-{KEY_TASK_FTE[1]:g}",
        )
        fits = any(
            (1 - dev) * ratio <= kt_work / m <= (1 + dev) * ratio for m in range(min_staff, min_staff + 10)
        )
        rep.check(
            fits or nd == 0,
            f"重点工作{kt['id']}组不成均衡的动态科室",
            f"key task {kt['id']}: no dynamic section of >= {min_staff} people balances",
        )

    # --- chains and rule references ---------------------------------------------------------
    chains: dict[str, set[str]] = defaultdict(set)
    for d in duties:
        if d.get("chain"):
            chains[d["chain"]].add(d["stage"])
    for chain, stages in chains.items():
        rep.check(len(stages) >= 2, f"链条{chain}只有一个环节", f"chain {chain} has a single stage")
        if rules["separate_stages"]:
            rep.check(
                len(stages) <= n, f"链条{chain}环节多于科室数", f"chain {chain}: {len(stages)} stages > {n}"
            )
        rep.fact(f"chain {chain}: {sorted(stages)}")
    known = {d["id"] for d in duties} | {p["id"] for p in staff}
    for key in ("together", "apart"):
        for group in rules[key]:
            missing = [i for i in group if i not in known]
            rep.check(not missing, f"{key}引用了不存在的编号{missing}", f"{key} names unknown ids {missing}")
    duty_ids = {d["id"] for d in duties}
    for proc in cfg.get("processes", []):
        steps = proc.get("steps", [])
        missing = [s for s in steps if s not in duty_ids]
        rep.check(
            not missing, f"流程{proc.get('name')}步骤不存在{missing}", f"process steps unknown: {missing}"
        )
        days = proc.get("days_per_step", [])
        rep.check(
            not days or len(days) == len(steps), "流程天数与步骤数不符", "days_per_step length != steps"
        )
    for f in rules["single_section"]:
        rep.check(f in FUNCTIONS, f"single_section职能无效: {f}", f"single_section: unknown function {f}")
    return rep


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(HERE.glob("*.toml"))
    failed = 0
    for path in paths:
        rep = check_scenario(path)
        status = "ok" if not rep.failures else "FAIL"
        print(f"{status:4s} {rep.name}")
        for line in rep.facts:
            print(f"       {line}")
        for line in rep.notes:
            print(f"     ~ {line}")
        for line in rep.failures:
            print(f"     ! {line}")
        failed += bool(rep.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
