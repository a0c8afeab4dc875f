"""A generated city: 36 党政部门 of varied size as scenarios, for batch runs and benchmarks.

Each department comes from ``restructure.generate.generate_department`` (deterministic for its
seed). That generator draws one of a few bureau themes; a department of another kind gets the
theme's business lines renamed to its own (教育局: 基础教育, 职业教育 …) so section names, duty
wording, business lines and chains read like that department. The figures are illustrative.
"""

from __future__ import annotations

import math
import re
import shutil
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from restructure.domain import Department
from restructure.generate import THEMES, generate_department
from restructure.io import write_department

CITY = "云溪市"  # an invented city
MAX_THEME_TRIES = 200


@dataclass(frozen=True)
class CityDepartment:
    slug: str  # folder and file name
    name: str  # e.g. 教育局
    sections: int  # today's sections
    staff: int
    lines: tuple[str, ...]  # business lines (业务板块); empty: the generator's own theme of that name
    theme: str | None = None  # generator theme to use as is


CITY_DEPARTMENTS: tuple[CityDepartment, ...] = (
    CityDepartment(
        "fgj",
        "发展和改革局",
        10,
        45,
        ("国民经济综合", "投资管理", "产业发展", "价格管理", "能源管理", "社会发展", "区域协调", "粮食物资"),
    ),
    CityDepartment(
        "jyj",
        "教育局",
        12,
        60,
        (
            "基础教育",
            "职业教育",
            "学前教育",
            "教师发展",
            "学生资助",
            "教育督导",
            "体育卫生艺术",
            "民办教育",
            "招生考试",
        ),
    ),
    CityDepartment("kjj", "科学技术局", 6, 20, (), "科学技术局"),
    CityDepartment(
        "gxj",
        "工业和信息化局",
        9,
        40,
        ("工业经济运行", "产业发展", "技术改造", "中小企业", "信息化推进", "节能与综合利用", "无线电管理"),
    ),
    CityDepartment(
        "gaj",
        "公安局",
        20,
        300,
        (
            "治安管理",
            "刑事侦查",
            "经济犯罪侦查",
            "禁毒",
            "交通管理",
            "出入境管理",
            "网络安全保卫",
            "户政管理",
            "监所管理",
            "特巡警",
            "指挥调度",
            "法制",
            "科技信息化",
            "警务督察",
        ),
    ),
    CityDepartment(
        "mzj",
        "民政局",
        9,
        36,
        ("社会救助", "养老服务", "儿童福利", "社会组织管理", "区划地名", "婚姻登记", "殡葬管理", "慈善事业"),
    ),
    CityDepartment(
        "sfj",
        "司法局",
        8,
        32,
        ("法治督察", "行政执法监督", "人民调解", "法律援助", "公共法律服务", "社区矫正", "普法宣传"),
    ),
    CityDepartment(
        "czj",
        "财政局",
        12,
        55,
        (
            "预算管理",
            "国库支付",
            "经济建设",
            "社会保障财务",
            "农业农村财务",
            "政府采购",
            "国有资产管理",
            "债务管理",
            "会计监督",
            "绩效评价",
        ),
    ),
    CityDepartment(
        "rsj",
        "人力资源和社会保障局",
        12,
        60,
        (
            "就业促进",
            "职业能力建设",
            "专业技术人员管理",
            "工资福利",
            "养老保险",
            "工伤保险",
            "劳动关系",
            "劳动保障监察",
            "人才开发",
        ),
    ),
    CityDepartment("zrzyj", "自然资源和规划局", 16, 80, (), "自然资源局"),
    CityDepartment(
        "sthjj",
        "生态环境局",
        10,
        48,
        (
            "大气环境",
            "水生态环境",
            "土壤生态环境",
            "固体废物与化学品",
            "辐射安全",
            "环境影响评价",
            "环境监测",
            "生态环境执法",
        ),
    ),
    CityDepartment("zjj", "住房和城乡建设局", 14, 70, (), "住房和城乡建设局"),
    CityDepartment(
        "jtysj",
        "交通运输局",
        11,
        50,
        (
            "综合运输",
            "公路建设",
            "公路养护",
            "道路运输管理",
            "水路运输",
            "城市客运",
            "交通安全监督",
            "交通工程质量",
        ),
    ),
    CityDepartment(
        "swj",
        "水务局",
        9,
        40,
        ("水资源管理", "河湖管理", "水利工程建设", "农村水利", "水土保持", "防汛抗旱", "供排水管理"),
    ),
    CityDepartment(
        "nyncj",
        "农业农村局",
        14,
        70,
        (
            "种植业管理",
            "畜牧兽医",
            "渔业管理",
            "农田建设",
            "农村经营管理",
            "农产品质量安全",
            "农业科技教育",
            "乡村产业",
            "农业机械化",
            "农村社会事业",
            "农业综合执法",
            "乡村建设",
        ),
    ),
    CityDepartment(
        "swuj",
        "商务局",
        8,
        32,
        ("内贸流通", "对外贸易", "外资管理", "电子商务", "市场运行", "服务贸易", "口岸开放"),
    ),
    CityDepartment(
        "wgljj",
        "文化广电旅游局",
        10,
        44,
        (
            "公共文化服务",
            "文化艺术",
            "文物保护",
            "非物质文化遗产",
            "旅游发展",
            "广播电视管理",
            "文化市场管理",
            "文化产业",
        ),
    ),
    CityDepartment(
        "wjj",
        "卫生健康局",
        14,
        68,
        (
            "医政医管",
            "基层卫生",
            "疾病预防控制",
            "妇幼健康",
            "中医药管理",
            "老龄健康",
            "职业健康",
            "卫生应急",
            "人口监测与家庭发展",
            "综合监督",
            "药物政策",
        ),
    ),
    CityDepartment(
        "tyjrj", "退役军人事务局", 6, 22, ("移交安置", "就业创业", "优抚褒扬", "权益维护", "思想政治")
    ),
    CityDepartment(
        "yjj",
        "应急管理局",
        10,
        45,
        (
            "风险监测",
            "安全生产综合",
            "危险化学品安全",
            "工贸行业安全",
            "防汛抗旱",
            "火灾防治",
            "救灾物资",
            "应急指挥",
        ),
    ),
    CityDepartment(
        "sjj",
        "审计局",
        8,
        34,
        (
            "财政审计",
            "经济责任审计",
            "固定资产投资审计",
            "社会保障审计",
            "企业审计",
            "农业农村审计",
            "内部审计指导",
        ),
    ),
    CityDepartment("scjgj", "市场监督管理局", 18, 150, (), "市场监督管理局"),
    CityDepartment(
        "tjj",
        "统计局",
        7,
        26,
        ("国民经济核算", "工业统计", "农村统计", "贸易统计", "人口就业统计", "统计执法", "社情民意调查"),
    ),
    CityDepartment(
        "ybj",
        "医疗保障局",
        8,
        30,
        ("医保待遇", "医药服务管理", "医保基金监管", "医药价格招采", "医疗救助", "经办服务"),
    ),
    CityDepartment(
        "cgj",
        "城市管理局",
        12,
        80,
        (
            "市容环境",
            "环境卫生",
            "园林绿化",
            "市政设施",
            "城市照明",
            "户外广告",
            "城管执法",
            "数字城管",
            "燃气管理",
        ),
    ),
    CityDepartment(
        "xzspj",
        "行政审批服务局",
        10,
        45,
        (
            "投资项目审批",
            "工程建设审批",
            "社会事务审批",
            "市场准入审批",
            "政务服务管理",
            "公共资源交易",
            "审管协同",
        ),
    ),
    CityDepartment(
        "lyj",
        "林业局",
        8,
        36,
        ("森林资源管理", "造林绿化", "湿地保护", "野生动植物保护", "森林防火", "林业产业", "林业执法"),
    ),
    CityDepartment("tyj", "体育局", 6, 20, ("群众体育", "竞技体育", "体育产业", "体育场馆", "青少年体育")),
    CityDepartment("xfj", "信访局", 6, 22, ("来访接待", "网上信访", "信访督查", "复查复核", "矛盾调处")),
    CityDepartment(
        "jgswj",
        "机关事务管理局",
        7,
        30,
        ("公务用车管理", "公共机构节能", "办公用房管理", "机关后勤服务", "机关资产管理", "公务接待"),
    ),
    CityDepartment("tcj", "投资促进局", 7, 26, ("招商策划", "产业招商", "项目服务", "外资促进", "招商宣传")),
    CityDepartment(
        "sjzyj",
        "数据资源局",
        7,
        28,
        ("数据资源管理", "数字政府", "数字经济", "信息基础设施", "网络安全", "政务数据共享"),
    ),
    CityDepartment(
        "lswzj",
        "粮食和物资储备局",
        6,
        22,
        ("粮食储备", "物资储备", "粮食流通监管", "粮食安全保障", "仓储管理"),
    ),
    CityDepartment(
        "gzw",
        "国有资产监督管理局",
        8,
        32,
        ("产权管理", "企业改革", "考核分配", "财务监督", "规划发展", "企业领导人员管理"),
    ),
    CityDepartment(
        "rfb", "人民防空办公室", 6, 20, ("人防工程建设", "指挥通信", "人防宣传教育", "警报管理", "疏散基地")
    ),
    CityDepartment(
        "xzj", "乡村振兴局", 6, 24, ("帮扶政策", "产业帮扶", "就业帮扶", "社会帮扶", "防返贫监测")
    ),
)


# Business lines a planner counts as akin (相近科室合并), per department, after mergers seen in
# public 三定 texts (国库和政府采购, 疾病预防控制和卫生应急, 大治安/大侦查 …). Written as the scenario's
# ``related_groups`` so that, where sections must merge, similar ones go together. Lines of
# different stages of one chain (法制审核, 警务督察) are deliberately in no set.
RELATED_LINES: dict[str, tuple[tuple[str, ...], ...]] = {
    "gaj": (
        ("治安管理", "户政管理", "出入境管理"),
        ("刑事侦查", "经济犯罪侦查", "禁毒"),
        ("网络安全保卫", "科技信息化"),
        ("交通管理", "特巡警"),
    ),
    "scjgj": (
        ("食品生产", "食品经营"),
        ("产品质量", "计量", "标准化"),
        ("登记注册", "信用监管"),
        ("价格监督", "广告监管"),
    ),
    "zrzyj": (
        ("国土空间规划", "用途管制"),
        ("调查监测", "确权登记", "测绘地理信息"),
        ("耕地保护", "土地储备"),
        ("生态修复", "矿产资源"),
    ),
    "zjj": (
        ("城乡建设", "村镇建设", "城建档案"),
        ("建筑市场", "质量安全"),
        ("房地产市场", "物业管理", "住房保障"),
    ),
    "nyncj": (
        ("种植业管理", "农田建设"),
        ("畜牧兽医", "渔业管理"),
        ("乡村产业", "农村经营管理"),
    ),
    "wjj": (
        ("医政医管", "中医药管理"),
        ("基层卫生", "妇幼健康"),
        ("疾病预防控制", "卫生应急"),
        ("老龄健康", "职业健康"),
    ),
    "jyj": (("基础教育", "学前教育"),),
    "czj": (("国库支付", "政府采购"),),
    "rsj": (("养老保险", "工伤保险"), ("就业促进", "职业能力建设")),
    "cgj": (("市容环境", "户外广告"), ("市政设施", "城市照明")),
    "jtysj": (("公路建设", "公路养护"), ("道路运输管理", "城市客运")),
    "fgj": (("产业发展", "能源管理"),),
    "sthjj": (("土壤生态环境", "固体废物与化学品"),),
    "wgljj": (("文物保护", "非物质文化遗产"), ("公共文化服务", "文化艺术")),
    "yjj": (("危险化学品安全", "工贸行业安全"),),
    "xzspj": (("投资项目审批", "工程建设审批"),),
}


def sizes(spec: CityDepartment) -> tuple[int, int]:
    """(duties, chains): 0.9 duties per staff member (generate needs at least 0.75),
    one chain per 40 staff (1 to 4)."""
    chains = max(1, min(4, spec.staff // 40))
    return max(math.ceil(0.9 * spec.staff), spec.sections + 4 * chains + 12), chains


def theme_of(dept: Department) -> str:
    """The generator theme a department was drawn from: the one whose business lines it uses most."""
    groups = Counter(d.group for d in dept.duties if d.group)
    return max(sorted(THEMES), key=lambda t: sum(groups[line] for line in THEMES[t]))


def rename_lines(dept: Department, mapping: dict[str, str]) -> Department:
    """Replace business-line names everywhere they show: section names, duties, groups, chains."""
    if not mapping:
        return dept
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))

    def sub(text: str | None) -> str | None:
        return pattern.sub(lambda m: mapping[m.group(0)], text) if text else text

    return replace(
        dept,
        sections=tuple(replace(s, name=sub(s.name)) for s in dept.sections),
        duties=tuple(
            replace(d, name=sub(d.name), group=sub(d.group), chain=sub(d.chain)) for d in dept.duties
        ),
    )


def city_department(spec: CityDepartment, seed: int) -> Department:
    """One department of the city, deterministic for ``seed``."""
    n_duties, n_chains = sizes(spec)
    for k in range(MAX_THEME_TRIES):
        dept = generate_department(n_duties, spec.staff, spec.sections, n_chains, seed + k)
        theme = theme_of(dept)
        if spec.theme is None or theme == spec.theme:
            break
    else:
        raise ValueError(f"no seed from {seed} gives theme {spec.theme}")
    mapping = dict(zip(THEMES[theme], spec.lines, strict=False)) if spec.theme is None else {}
    dept = rename_lines(dept, mapping)
    return replace(dept, name=f"{CITY}{spec.name}", source=f"citygen {spec.slug}, seed {seed + k}")


def max_deputies_needed(dept: Department, max_sections: int = 12) -> int:
    """Deputy posts per section a plan needs so that today's posts fit (领导职数不变), at least 3."""
    n = min(len(dept.sections), max_sections)
    return max(3, math.ceil((dept.leadership_posts - n) / n))


def related_groups(spec: CityDepartment, dept: Department) -> list[list[str]]:
    """The department's sets of akin business lines; each name must be a line of its duties."""
    lines = {d.group for d in dept.duties if d.group}
    sets = [list(s) for s in RELATED_LINES.get(spec.slug, ())]
    unknown = sorted({name for s in sets for name in s} - lines)
    if unknown:
        raise ValueError(f"{spec.slug}: related lines {unknown} are not business lines of {dept.name}")
    return sets


def scenario_toml(spec: CityDepartment, dept: Department, time_limit_s: float) -> str:
    deputies = max_deputies_needed(dept)
    related = related_groups(spec, dept)
    lines = [
        f'name = "{dept.name} 9+X"',
        f'description = "生成的城市部门（示意数据）：{len(dept.sections)}个科室、{len(dept.staff)}人、'
        f'{len(dept.duties)}项职责，按9+X模式优化内设机构。"',
        f'department_name = "{dept.name}"',
        f'data = "data/{spec.slug}"',
        "",
        "[rules]",
        "max_basic_sections = 9",
        "max_dynamic_sections = 3",
    ]
    if deputies > 3:
        lines.append(f"max_deputies_per_section = {deputies}  # so that today's posts fit in 12 sections")
    if related:
        sets = ", ".join("[" + ", ".join(f'"{name}"' for name in s) + "]" for s in related)
        lines += [
            "",
            "[objective]",
            "# 相近科室合并：须合并时，这些业务板块优先合在一起",
            f"related_groups = [{sets}]",
        ]
    lines += ["", "[solver]", f"time_limit_s = {time_limit_s:g}", "seed = 0", "workers = 2", ""]
    return "\n".join(lines)


README = """# 云溪市: a generated city of 36 departments

Written by `python -m restructure.citygen scenarios/city` (deterministic: the same seed gives
the same files). Every department is illustrative: names of people, workloads and rosters
are invented by `restructure.generate`; section names and duty wording follow public 三定 texts.
Sixteen departments name akin business lines (`related_groups`, 相近科室合并, after mergers seen
in public reforms such as 国库和政府采购 or 疾病预防控制和卫生应急), so that where sections must
merge, similar ones go together. Use it for batch runs and benchmarks:

    restructure batch scenarios/city --out out/city --workers 2

| file | department | sections today | staff | duties |
|---|---|---|---|---|
"""


def build_city(out_dir: str | Path, *, seed: int = 2025, time_limit_s: float = 10) -> list[Path]:
    """Write the city's scenario files (``<slug>.toml``), data folders (``data/<slug>``) and README."""
    out = Path(out_dir)
    data = out / "data"
    if data.exists():
        shutil.rmtree(data)  # regenerate cleanly: a department dropped from the list leaves nothing behind
    out.mkdir(parents=True, exist_ok=True)
    written, rows = [], []
    for i, spec in enumerate(CITY_DEPARTMENTS):
        dept = city_department(spec, seed + 1000 * i)
        write_department(dept, data / spec.slug)
        toml = out / f"{spec.slug}.toml"
        toml.write_text(scenario_toml(spec, dept, time_limit_s), encoding="utf-8")
        written.append(toml)
        rows.append(
            f"| {spec.slug}.toml | {dept.name} | {len(dept.sections)} | {len(dept.staff)} | {len(dept.duties)} |"
        )
    (out / "README.md").write_text(README + "\n".join(rows) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m restructure.citygen",
        description="Write the generated city's scenarios, data folders and README (deterministic).",
    )
    parser.add_argument(
        "out", nargs="?", default="scenarios/city", help="folder to write (default scenarios/city)"
    )
    parser.add_argument(
        "--seed", type=int, default=2025, help="the same seed gives the same files (default 2025)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=10, help="solver seconds written into each scenario"
    )
    args = parser.parse_args(argv)
    paths = build_city(args.out, seed=args.seed, time_limit_s=args.time_limit)
    print(f"{len(paths)} scenarios written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
