"""Every label of the app in Chinese and English (glossary terms: docs/glossary.md; those for
rules, KPIs and functions come from ``restructure.terms``). Chinese is the default."""

from __future__ import annotations

from app_pages.state import lang
from restructure.terms import STATUS

# key -> (Chinese, English); {placeholders} are filled by t().
TEXT: dict[str, tuple[str, str]] = {
    # pages and sidebar
    "page_scenario": ("方案与数据", "Scenario & data"),
    "page_plan": ("优化方案", "Plan"),
    "page_pins": ("既定调整", "Pins"),
    "page_compare": ("方案比较", "Compare"),
    "page_export": ("导出", "Export"),
    "page_simulation": ("仿真", "Simulation"),
    "sidebar_scenario": ("当前方案：{name}", "Scenario: {name}"),
    "sidebar_none": ("尚未载入方案", "No scenario loaded"),
    "no_scenario": (
        "请先在「方案与数据」页选择内置方案或上传部门数据。",
        "Load a scenario or upload a department on the Scenario page first.",
    ),
    "go_scenario": ("前往「方案与数据」", "Go to Scenario & data"),
    "no_plan": ("还没有优化方案：请在「优化方案」页求解。", "No plan yet: solve on the Plan page."),
    "go_plan": ("前往「优化方案」", "Go to Plan"),
    "choose": ("请选择", "Choose"),
    # scenario page
    "tab_bundled": ("内置示例方案", "Bundled scenarios"),
    "tab_upload": ("上传部门数据", "Upload a department"),
    "bundled_label": ("示例方案", "Scenario"),
    "load": ("载入", "Load"),
    "upload_help": (
        "上传一个 .xlsx 工作簿（sections、duties、staff、key_tasks 工作表），或 sections.csv、duties.csv、"
        "staff.csv（可选 key_tasks.csv），或装有这些 CSV 的 .zip。CSV 可为 UTF-8 或 GBK 编码。"
        "载入后使用默认规则（见数据说明），可在下方修改。",
        "Upload one .xlsx workbook (sheets sections, duties, staff, key_tasks), or sections.csv, duties.csv, "
        "staff.csv (optionally key_tasks.csv), or a .zip of those CSV files. CSV may be UTF-8 or GBK. "
        "The default rules apply; edit them below.",
    ),
    "upload_label": ("部门数据文件", "Department files"),
    "upload_name": ("部门名称（可选）", "Department name (optional)"),
    "upload_name_help": (
        "默认取工作簿或压缩包的文件名。",
        "Defaults to the workbook's or the .zip's file name.",
    ),
    "load_upload": ("检查并载入", "Check and load"),
    "problems_heading": (
        "数据有 {n} 个问题，未载入。请在 Excel 中修改后重新上传：",
        "{n} problem(s) in the data; nothing was loaded. Fix them in Excel and upload again:",
    ),
    "edit_problems_heading": ("有 {n} 个问题，修改未生效：", "{n} problem(s); the change was not applied:"),
    "pick_first": ("请选择一个内置方案，或上传部门数据。", "Pick a bundled scenario or upload a department."),
    "summary_heading": ("{name}", "{name}"),
    "sum_sections": ("现有科室", "Sections today"),
    "sum_sections_help": (
        "基本科室 {sections_basic} 个，动态科室 {sections_dynamic} 个",
        "{sections_basic} basic, {sections_dynamic} dynamic",
    ),
    "sum_duties": ("职责事项", "Duties"),
    "sum_staff": ("实名制人员", "Staff"),
    "sum_staff_help": ("其中不可调整 {immovable_staff} 人", "{immovable_staff} cannot move"),
    "sum_workload": ("工作量（FTE）", "Workload (FTE)"),
    "sum_workload_help": (
        "全部职责的全年工作量合计，单位：全时当量",
        "Yearly workload of all duties, in full-time equivalents",
    ),
    "sum_capacity": ("人力（FTE）", "Capacity (FTE)"),
    "sum_capacity_help": ("全部人员可承担的工作量合计", "What all staff can carry, in full-time equivalents"),
    "sum_posts": ("领导职数", "Leadership posts"),
    "posts_value": ("正{chief} 副{deputy}", "{chief} chief, {deputy} deputy"),
    "col_function": ("职能", "Function"),
    "col_duties": ("职责数", "Duties"),
    "col_workload": ("工作量（FTE）", "Workload (FTE)"),
    "col_code": ("代码", "Code"),
    "col_section": ("科室", "Section"),
    "col_kind": ("类型", "Kind"),
    "col_people": ("人数", "People"),
    "col_name": ("名称", "Name"),
    "rules_heading": ("规则", "Rules"),
    "max_section_staff_help": (
        "`max_section_staff`，留空表示不设上限",
        "`max_section_staff`; empty means no cap",
    ),
    "weights_heading": ("目标权重（数值越大越重视）", "Soft-goal weights (higher counts more)"),
    "weight_balance": ("工作量均衡", "Balance"),
    "weight_cohesion": ("业务板块集中", "Cohesion"),
    "weight_disruption": ("调整幅度", "Disruption"),
    "weight_skills": ("专业匹配", "Skills"),
    "weight_posts": ("职务变动", "Posts"),
    "weight_structure": ("科室设置充分", "Structure"),
    "objective_heading": ("目标分解", "Objective breakdown"),
    "objective_goal": ("目标", "Goal"),
    "objective_amount": ("数量", "Amount"),
    "objective_points": ("计分", "Points"),
    "objective_total": ("合计（目标值）", "Total (objective)"),
    "weight_span": ("科室规模适度", "Section size"),
    "weight_key_tasks": ("重点工作进专班", "Key tasks in dynamic sections"),
    "span_ratio": ("规模上限（倍）", "Size ceiling (× avg)"),
    "span_ratio_help": (
        "一个科室的人数超过平均科室人数的此倍数，超出的每人按“科室规模适度”权重计入（`objective.span_ratio`）。"
        "整建制合并科室不计调整成本，此项防止把多个科室并成一个过大的科室。",
        "People in a section beyond this many times the average section size each cost the section-size "
        "weight (`objective.span_ratio`). Merging whole sections moves nobody; this keeps a plan from "
        "folding many sections into one.",
    ),
    "balance_band": ("均衡容差（±）", "Balance band (±)"),
    "balance_band_help": (
        "人均工作量在全局平均的±此比例以内视为均衡，不计成本；超出部分按“工作量均衡”权重计入（`objective.balance_band`）。",
        "Workload per FTE within ± this share of the average counts as even and costs nothing; "
        "beyond it, the balance weight applies (`objective.balance_band`).",
    ),
    "related_groups": (
        "相近业务板块（每行一组，用“、”分隔）",
        "Related business lines (one set per line, separated by 、 or ,)",
    ),
    "related_groups_help": (
        "同一组的业务板块视为相近：需要合并科室时优先合在一起（`objective.related_groups`，按“业务板块集中”权重计）。"
        "本部门的业务板块：{lines}",
        "Lines in one set count as akin: when sections must merge, they go together "
        "(`objective.related_groups`, weighed as cohesion). This department's business lines: {lines}",
    ),
    "related_groups_placeholder": ("例如：质量发展、计量标准", "e.g. 质量发展、计量标准"),
    "solver_heading": ("求解设置", "Solver"),
    "time_limit": ("求解时间（秒）", "Time limit (s)"),
    "seed": ("随机种子", "Seed"),
    "workers": ("并行线程", "Workers"),
    "deterministic": ("可复现模式", "Reproducible mode"),
    "deterministic_help": ("相同输入和种子得到相同方案", "Same inputs and seed give the same plan"),
    "apply_rules": ("应用修改", "Apply changes"),
    "nothing_changed": ("没有修改。", "Nothing changed."),
    "edits_heading": ("已修改的设置（{n} 项，相对于原文件）", "Changed settings ({n}, against the file)"),
    "col_setting": ("设置", "Setting"),
    "col_value": ("值", "Value"),
    "reset_edits": ("撤销全部修改", "Undo all changes"),
    "download_toml": ("保存方案文件（TOML）", "Save scenario (TOML)"),
    "toml_data_note": (
        "文件中 data = “{data}”：请把方案文件放在部门数据旁边。",
        "The file says data = “{data}”: keep it next to the department data.",
    ),
    # problems table
    "col_file": ("文件", "File"),
    "col_row": ("行", "Row"),
    "col_column": ("列", "Column"),
    "col_message": ("问题", "Message"),
    # plan page
    "solve": ("求解", "Solve"),
    "solve_caption": ("「{name}」，求解时间上限 {limit:g} 秒", "“{name}”, time limit {limit:g} s"),
    "solve_caption_deterministic": (
        "「{name}」，可复现模式：上限 {limit:g} 个确定性时间单位，实际用时约为其1–3倍",
        "“{name}”, reproducible mode: a limit of {limit:g} deterministic units, about 1–3 times as many seconds",
    ),
    "solve_failed": (
        "求解出错（请把这条信息告诉维护人员）：{error}",
        "The solve failed (please report this): {error}",
    ),
    "press_solve": ("点击「求解」生成优化方案。", "Press Solve to propose a plan."),
    "plan_stale": (
        "规则或数据在求解后已修改：下方是按修改前的设置得到的方案，请重新求解。",
        "Rules or data changed after this solve: the plan below is for the earlier settings. Solve again.",
    ),
    "solving": ("正在求解… 已用 {s:.0f} 秒 / 上限 {limit:g} 秒", "Solving… {s:.0f} s of {limit:g} s"),
    "solving_deterministic": (
        "正在求解（可复现模式）… 已用 {s:.0f} 秒；上限 {limit:g} 个确定性时间单位，实际用时约为其1–3倍",
        "Solving (reproducible mode)… {s:.0f} s; the limit is {limit:g} deterministic units, "
        "about 1–3 times as many seconds",
    ),
    "best_objective": ("当前最好目标值", "Best objective"),
    "best_bound": ("已证明下界", "Proven bound"),
    "solutions_found": ("已找到方案数", "Plans found"),
    "stop": ("停止并保留当前最好方案", "Stop, keep the best plan"),
    "stopping": ("正在停止…", "Stopping…"),
    "stop_help": (
        "求解器停止搜索，返回目前找到的最好方案（可行，未证明最优）。",
        "The solver stops and returns the best plan so far (feasible, not proven optimal).",
    ),
    "seconds_axis": ("秒", "seconds"),
    "objective_axis": ("目标值", "objective"),
    "solve_number": ("第 {n} 次求解", "Solve {n}"),
    "status_label": ("结果：{status}", "Result: {status}"),
    "seconds": ("用时 {s:.1f} 秒", "{s:.1f} s"),
    "objective_value": ("目标值 {v:.1f}", "objective {v:.1f}"),
    "bound_value": ("下界 {v:.1f}", "bound {v:.1f}"),
    "run_label": ("方案名称（保存时使用）", "Label (for saving)"),
    "run_label_placeholder": ("例如：9+X 少调整", "e.g. 9+X low disruption"),
    "save_plan": ("保存到方案库", "Save to the run store"),
    "saved_as": ("已保存 #{id}", "Saved as #{id}"),
    "tab_compare": ("现状与方案对照", "Today vs plan"),
    "tab_duties": ("职责归属", "Duties"),
    "tab_staff": ("人员与岗位", "Staff & posts"),
    "tab_changes": ("变更清单", "Changes"),
    "tab_checks": ("规则检查", "Checks"),
    "today_heading": ("现状：{n} 个科室", "Today: {n} sections"),
    "plan_heading": ("方案：{n} 个科室", "Plan: {n} sections"),
    "chart_today": ("{name}\n（现状）", "{name}\n(today)"),
    "chart_plan": ("{name}\n（方案）", "{name}\n(plan)"),
    "chart_chief": ("{title}：{name}", "{title}: {name}"),
    "chart_posts": ("职数：正{chief} 副{deputy}", "Posts: {chief} chief, {deputy} deputy"),
    "chart_staff": ("人数：{n}（{fte:g} FTE）", "Staff: {n} ({fte:g} FTE)"),
    "vacant": ("空缺", "vacant"),
    "load_heading": (
        "各科室人均工作量（部门平均 = 1）",
        "Workload per FTE by section (department average = 1)",
    ),
    "load_axis": ("人均工作量比", "load ratio"),
    "load_caption": (
        "阴影和虚线为容许范围 1 ± {dev:.0%}（max_load_deviation）；红色表示超出范围，即忙闲不均。",
        "Shaded band and dashed lines: the tolerance 1 ± {dev:.0%} (max_load_deviation); red bars are outside it (uneven workload).",
    ),
    "in_band": ("在容许范围内", "within tolerance"),
    "out_of_band": ("超出容许范围", "outside tolerance"),
    "workload_fte": ("工作量（FTE）", "Workload (FTE)"),
    "capacity_fte": ("人力（FTE）", "Capacity (FTE)"),
    "kpi_today": ("现状：{value}", "Today: {value}"),
    "unchanged": ("不变", "unchanged"),
    "no_changes": ("与现状相同，没有调整。", "Same as today: nothing changes."),
    "checks_met": ("符合", "Met"),
    "checks_binding": ("达到上限", "At the limit"),
    "checks_violated": ("不符合", "Violated"),
    "checks_ok": (
        "方案符合全部规则，指标复核一致。",
        "The plan meets every rule and its KPIs recompute the same.",
    ),
    "checks_failed": ("方案未通过复核：", "The plan fails the re-check:"),
    "col_rule": ("规则", "Rule"),
    "col_instance": ("对象", "Instance"),
    "col_result": ("结果", "Result"),
    "conflict_heading": ("相互冲突的规则", "Rules in conflict"),
    "conflict_confirmed": (
        "已由独立求解确认：这些规则不能同时满足。",
        "Confirmed by an independent solve: these rules cannot all hold.",
    ),
    "conflict_unconfirmed": (
        "冲突未经独立求解确认（时限内未完成）。",
        "Not confirmed by an independent solve (it did not finish in time).",
    ),
    "relax_heading": ("放宽一条规则并重新求解", "Relax one rule and solve again"),
    "relax_sufficient": (
        "求解器已验证：单独放宽这一条即可形成方案。",
        "Checked by the solver: relaxing this alone gives a plan.",
    ),
    "relax_sufficient_note": (
        "突出显示的按钮：单独放宽即可形成方案；其他按钮放宽后可能仍有别的冲突。",
        "Highlighted buttons: relaxing that rule alone gives a plan; after the others another conflict may remain.",
    ),
    # pins page
    "keep_help": (
        "所选现有科室的职责、人员和职数保持不变。",
        "The chosen sections keep their duties, staff and posts.",
    ),
    "keep_label": ("保持原样的科室", "Sections kept as they are"),
    "apply_pins": ("应用", "Apply"),
    "groups_heading": ("须同设 / 须分设", "Together / apart"),
    "groups_help": (
        "职责或人员须在同一科室（须同设），或须在不同科室（须分设）。",
        "Duties or people that must sit in one section (together) or in different sections (apart).",
    ),
    "remove": ("删除", "Remove"),
    "group_line": ("{rule}：{items}", "{rule}: {items}"),
    "group_items": ("职责或人员（至少两项）", "Duties or people (two or more)"),
    "group_kind": ("要求", "Requirement"),
    "add_group": ("添加", "Add"),
    "group_too_small": ("请至少选择两项。", "Pick two or more."),
    "duty_pin_help": (
        "指定职责归入延续某个现有科室的新科室。",
        "Put a duty in the plan section that continues one of today's sections.",
    ),
    "col_duty": ("职责", "Duty"),
    "col_pinned_to": ("固定到（延续的现有科室）", "Pinned to (continues)"),
    "col_in_plan": ("当前方案中", "In the current plan"),
    "unpin_label": ("取消固定", "Unpin"),
    "pin_target": ("归入延续该科室的新科室", "Into the section continuing"),
    "pin_duty": ("固定", "Pin"),
    "resolve_heading": ("重新求解", "Solve again"),
    "resolve_help": ("以当前方案为起点重新求解，尽量少改动。", "Solve again starting from the current plan."),
    "resolve_no_hint": (
        "还没有可作起点的方案：将从现状开始求解。",
        "No plan to start from yet: the solve starts from today's structure.",
    ),
    "resolve": ("应用既定调整并重新求解", "Solve again with these pins"),
    "low_disruption": (
        "少调整：调整幅度权重提高到 {w:g}",
        "Low disruption: raise the disruption weight to {w:g}",
    ),
    "low_disruption_set": (
        "少调整（调整幅度权重已为 {w:g}）",
        "Low disruption (disruption weight already {w:g})",
    ),
    "low_disruption_help": (
        "调整的职责和人员越少越好；权重写入方案设置，可在「方案与数据」页撤销。",
        "Fewer duties and people moved; the weight goes into the scenario's settings and can be undone on the Scenario page.",
    ),
    # compare page
    "no_runs": (
        "方案库中还没有保存的方案：请在「优化方案」页保存。",
        "No saved plans yet: save one on the Plan page.",
    ),
    "department": ("部门", "Department"),
    "runs_label": ("比较的方案", "Plans to compare"),
    "pick_two": ("请至少选择两个方案。", "Pick two or more plans."),
    "reference": ("参照方案（变化相对于它）", "Reference (changes are against it)"),
    "kpi_heading": ("主要指标", "Key figures"),
    "col_kpi": ("指标", "KPI"),
    "diff_heading": ("职责和人员归属差异", "Where duties and people differ"),
    "diff_with": ("与参照方案比较", "Compare the reference with"),
    "diff_no_data": (
        "未找到该部门的数据，无法列出差异：请先载入该部门的方案。",
        "The department's data is not available: load its scenario first.",
    ),
    "diff_no_plan": (
        "其中一个方案没有科室设置（无可行方案），无法比较归属。",
        "One of the plans has no sections (no feasible plan).",
    ),
    "diff_same": (
        "两个方案的科室、职责和人员归属以及领导职数和正副职人选完全相同。",
        "Both plans have the same sections, place every duty and person the same way and "
        "have the same leadership posts, chiefs and deputies.",
    ),
    "diff_caption": (
        "{a} 与 {b}：{duties} 项职责、{staff} 人归属不同，{sections} 个科室设置不同，{posts} 个科室的领导职数或正副职人选不同（科室按共有职责和人员对应）。",
        "{a} vs {b}: {duties} duties and {staff} people sit differently, {sections} sections differ, "
        "{posts} sections differ in leadership posts or who is chief or deputy (sections matched by shared duties and people).",
    ),
    "diff_sections": ("科室（{n} 个）", "Sections ({n})"),
    "diff_posts": ("领导职数和正副职（{n} 个科室）", "Leadership posts, chiefs and deputies ({n} sections)"),
    "col_chief": ("正职", "Chief"),
    "col_deputies": ("副职", "Deputies"),
    "col_posts": ("领导职数（正/副）", "Posts (chief/deputy)"),
    "col_plan": ("方案", "Plan"),
    "diff_duties": ("职责（{n} 项）", "Duties ({n})"),
    "diff_staff": ("人员（{n} 人）", "People ({n})"),
    "not_placed": ("未安排", "not placed"),
    # export page
    "export_lang": ("导出语言", "Export language"),
    "pseudonymise": ("姓名脱敏", "Pseudonymise names"),
    "pseudonymise_help": (
        "所有文件中的姓名替换为“人员P001”形式。",
        "Every name in every file becomes “Person P001”.",
    ),
    "download_xlsx": ("Excel 工作簿", "Excel workbook"),
    "download_zip": ("CSV 压缩包", "CSV zip"),
    "download_json": ("plan.json", "plan.json"),
    "download_docx": ("三定草稿（Word）", "三定 draft (Word)"),
    "export_no_plan": (
        "没有可行方案：导出文件只含说明和指标。",
        "No feasible plan: the files hold the explanation and KPIs only.",
    ),
    "export_caption": (
        "工作簿含科室、职责、人员与岗位、变更清单、KPI、规则检查；以 =、+、-、@ 开头的文字按文本保存。",
        "The workbook holds sections, duties, staff & posts, changes, KPIs and checks; text starting with =, +, -, @ stays text.",
    ),
    # simulation page
    "simulation_help": (
        "按工作量估计范围（低—高）随机抽样，看现状和方案下各科室忙闲的把握有多大。",
        "Draws workloads within their estimated ranges to see how sure each section's load is, today and under the plan.",
    ),
    "simulation_no_plan": ("没有可行方案，无法仿真。", "No feasible plan to simulate."),
    "draws": ("抽样次数", "Draws"),
    "run_simulation": ("运行仿真", "Run simulation"),
    "p_any_over_today": ("现状：任一科室超负荷的概率", "Today: P(any section over tolerance)"),
    "p_any_over_plan": ("方案：任一科室超负荷的概率", "Plan: P(any section over tolerance)"),
    "distribution_heading": ("人均工作量比的分布", "Distribution of workload per FTE"),
    "distribution_caption": (
        "线为 P5—P95，方框为 P25—P75，竖线为中位数；绿色虚线为容许范围 1 ± {dev:.0%}。",
        "Line: P5–P95, box: P25–P75, tick: median; green dashed lines: tolerance 1 ± {dev:.0%}.",
    ),
    "overload_heading": ("超负荷概率", "Probability of overload"),
    "p_over_axis": ("超出容许上限的概率", "P(load above tolerance)"),
    "process_heading": ("流程办结天数：调整前后", "Process lead time before and after"),
    "days_processing": ("办理", "processing"),
    "days_handoff": ("交接", "handoff"),
    "days_queue": ("排队", "queue"),
    "days_axis": ("工作日", "working days"),
    "simulation_tables": ("仿真明细表", "Simulation tables"),
}

TEXT.update({f"status_{status.value}": words for status, words in STATUS.items()})


def t(key: str, **values: object) -> str:
    """The label ``key`` in the session's language, with ``{placeholders}`` filled in."""
    zh, en = TEXT[key]
    return (en if lang() == "en" else zh).format(**values)
