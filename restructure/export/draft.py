"""The 三定-style draft: 内设机构 with their duties, 领导职数, staffing, and the change list as annex.

The draft is built once as plain blocks (headings, paragraphs, tables) and rendered to Markdown
or .docx, so both say the same words. Wording follows 三定 texts: "（一）综合保障科。负责……；……。"
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from restructure.domain import Department, Establishment, Function, Plan, PlanSection, SectionKind
from restructure.export.tables import make_redactor, value_label
from restructure.plan_io import plan_tables
from restructure.reasons import reasons_of
from restructure.terms import STATUS, head_titles

DIGITS_ZH = "零一二三四五六七八九"
DYNAMIC_NOTE_ZH = "动态科室，随重点工作结束而撤销"
DYNAMIC_NOTE_EN = "dynamic section, closed when its key task ends"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (up to 99, enough for sections)."""
    if not 0 < n < 100:
        raise ValueError(f"numeral out of range: {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS_ZH[ones]
    head = "十" if tens == 1 else DIGITS_ZH[tens] + "十"
    return head + (DIGITS_ZH[ones] if ones else "")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 = title


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class TableBlock:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | TableBlock


def draft_section_order(plan: Plan) -> list[PlanSection]:
    """Basic sections first (the support section first of all), then dynamic sections."""
    basic = [s for s in plan.sections if s.kind is SectionKind.BASIC]
    support = [s for s in basic if s.main_function is Function.SUPPORT]
    others = [s for s in basic if s.main_function is not Function.SUPPORT]
    dynamic = [s for s in plan.sections if s.kind is SectionKind.DYNAMIC]
    return support + others + dynamic


def _duty_clause(name: str) -> str:
    # The draft adds 负责 itself; strip a leading one and trailing punctuation from the wording.
    text = name.strip().rstrip("。；;，,. ")
    return text[2:] if text.startswith("负责") else text


def _fte(x: float) -> str:
    return f"{x:.1f}"


def draft_blocks(
    plan: Plan, department: Department, *, lang: str = "zh", pseudonymise: bool = False
) -> list[Block]:
    zh = lang == "zh"
    redact = make_redactor(department, lang) if pseudonymise else (lambda v: v)
    dept_name = plan.department or department.name
    blocks: list[Block] = [
        Heading(
            f"{dept_name}内设机构、职责和人员编制方案（草案）"
            if zh
            else f"{dept_name}: internal sections, duties and staffing (draft)",
            0,
        ),
        Paragraph(
            f"本草案根据方案“{plan.scenario}”生成（求解状态：{STATUS[plan.status][0]}），供机构编制部门研究参考。"
            if zh
            else f"Generated from scenario “{plan.scenario}” — solver status: {STATUS[plan.status][1]} — "
            "for the staffing office's consideration."
        ),
    ]
    if not plan.has_plan:
        blocks += _no_plan_blocks(plan, zh)
        return [_redact_block(b, redact) for b in blocks]

    tables = plan_tables(plan, department)
    duty_rows = {r["id"]: r for r in tables["duties"]}
    key_tasks = {k.id: k for k in department.key_tasks}
    ordered = draft_section_order(plan)

    parts = iter(range(1, 10))  # the draft's parts are numbered in order: 主要职责 is there only when given
    if department.main_duties:
        blocks += _main_duties_blocks(department, dept_name, next(parts), zh)
    blocks.append(Heading(_part(next(parts), "内设机构", "Internal sections", zh), 1))
    blocks.append(
        Paragraph(
            f"{dept_name}设下列内设机构：" if zh else f"{dept_name} has the following internal sections:"
        )
    )
    for i, sec in enumerate(ordered, start=1):
        clauses = [_duty_clause(duty_rows[d]["name"]) for d in sec.duties if d in duty_rows]
        note = ""
        if sec.kind is SectionKind.DYNAMIC:
            kt = key_tasks.get(sec.key_task or "")
            period = ""
            if kt is not None and (kt.start or kt.end):
                period = (
                    f"，{kt.start or ''}至{kt.end or ''}" if zh else f", {kt.start or ''} to {kt.end or ''}"
                )
            task = (
                f"（重点工作：{kt.name}{period}）"
                if kt and zh
                else (f" (key task: {kt.name}{period})" if kt else "")
            )
            note = f"{DYNAMIC_NOTE_ZH}{task}。" if zh else f"{DYNAMIC_NOTE_EN.capitalize()}{task}. "
        if zh:
            body = "负责" + "；".join(clauses) + "。" if clauses else "暂无职责事项。"
            blocks.append(Paragraph(f"（{chinese_numeral(i)}）{sec.name}。{note}{body}"))
        else:
            body = "Responsible for: " + "; ".join(clauses) + "." if clauses else "No duties yet."
            blocks.append(Paragraph(f"({i}) {sec.name}. {note}{body}"))

    blocks += _posts_and_staffing_blocks(plan, department, ordered, zh, next(parts))
    blocks += _annex_blocks(plan, department, zh)
    return [_redact_block(b, redact) for b in blocks]


def _part(n: int, zh_title: str, en_title: str, zh: bool) -> str:
    return f"{chinese_numeral(n)}、{zh_title}" if zh else f"{n}. {en_title}"


def _main_duties_blocks(department: Department, dept_name: str, n: int, zh: bool) -> list[Block]:
    """部门主要职责, as the scenario words them: they stand in the department's own language, so
    the English draft keeps them and says so."""
    out: list[Block] = [Heading(_part(n, "主要职责", "Main duties", zh), 1)]
    if not zh:
        out.append(Paragraph(f"{dept_name}'s main duties, as its scenario words them:"))
    out += [
        Paragraph(f"（{chinese_numeral(i)}）{text}" if zh else f"({i}) {text}")
        for i, text in enumerate(department.main_duties, start=1)
    ]
    return out


def _no_plan_blocks(plan: Plan, zh: bool) -> list[Block]:
    ex = plan.explanation
    out: list[Block] = [
        Paragraph(
            "在现有规则下未能形成方案。" + (ex.note_zh or "")
            if zh
            else "No plan could be formed under these rules. " + (ex.note_en or "")
        )
    ]
    if ex.conflicts:
        out.append(Heading("相互冲突的规则" if zh else "Rules in conflict", 1))
        out += [Paragraph(f.zh if zh else f.en) for f in ex.conflicts]
    return out


def _leadership_posts_zh(sections: list[PlanSection], chiefs: int, deputies: int) -> str:
    """The 三定 sentence on leadership posts, with the heads' titles the sections' unit words
    give: 科长（主任） in a bureau of 科 and 室; 正职 and 副职 with the titles named where units
    differ (a 公安局's 大队长、主任 and 科长)."""
    titles = list(dict.fromkeys(head_titles(s.name)[0] for s in sections))
    total = chiefs + deputies
    if set(titles) <= {"科长", "主任"}:
        return f"内设机构领导职数{total}名，其中科长（主任）{chiefs}名、副科长（副主任）{deputies}名。"
    named = "、".join(titles)
    return f"内设机构领导职数{total}名，其中正职（{named}）{chiefs}名、副职{deputies}名。"


def _posts_and_staffing_blocks(
    plan: Plan, department: Department, ordered: list[PlanSection], zh: bool, n: int
) -> list[Block]:
    chiefs = sum(s.chief_posts for s in plan.sections)
    deputies = sum(s.deputy_posts for s in plan.sections)
    people = {p.id: p for p in department.staff}
    in_plan = [people[p] for s in plan.sections for p in s.staff if p in people]
    by_est: dict[Establishment, list[float]] = defaultdict(list)
    for p in in_plan:
        by_est[p.establishment].append(p.capacity_fte)
    total_fte = sum(p.capacity_fte for p in in_plan)
    parts = [
        (f"{value_label(e.value, 'zh')}{len(by_est[e])}名（{_fte(sum(by_est[e]))}人年）")
        if zh
        else f"{value_label(e.value, 'en')} {len(by_est[e])} ({_fte(sum(by_est[e]))} FTE)"
        for e in Establishment
        if by_est[e]
    ]
    out: list[Block] = [Heading(_part(n, "领导职数和人员编制", "Leadership posts and staffing", zh), 1)]
    if zh:
        out.append(Paragraph(_leadership_posts_zh(ordered, chiefs, deputies)))
        out.append(
            Paragraph(
                f"现有实名制人员{len(in_plan)}名，折合全时当量{_fte(total_fte)}人年，其中"
                + "、".join(parts)
                + "。"
                + _approved(department.approved_staffing, len(by_est[Establishment.ADMINISTRATIVE]), zh)
            )
        )
    else:
        out.append(
            Paragraph(
                f"Leadership posts of the sections: {chiefs + deputies}, of which {chiefs} chief and {deputies} deputy."
            )
        )
        out.append(
            Paragraph(
                f"Staff on the register: {len(in_plan)} ({_fte(total_fte)} FTE), of which "
                + ", ".join(parts)
                + "."
                + _approved(department.approved_staffing, len(by_est[Establishment.ADMINISTRATIVE]), zh)
            )
        )
    headers = (
        ("科室", "类型", "人数", "人力（FTE）", "工作量（FTE）", "正科职数", "副科职数")
        if zh
        else ("Section", "Kind", "Staff", "Capacity (FTE)", "Workload (FTE)", "Chief posts", "Deputy posts")
    )
    lang = "zh" if zh else "en"
    rows = tuple(
        (
            s.name,
            value_label(s.kind.value, lang),
            str(len(s.staff)),
            f"{s.capacity_fte:.2f}",
            f"{s.workload_fte:.2f}",
            str(s.chief_posts),
            str(s.deputy_posts),
        )
        for s in ordered
    )
    total = (
        "合计" if zh else "Total",
        "",
        str(sum(len(s.staff) for s in ordered)),
        f"{sum(s.capacity_fte for s in ordered):.2f}",
        f"{sum(s.workload_fte for s in ordered):.2f}",
        str(chiefs),
        str(deputies),
    )
    out.append(TableBlock(headers, (*rows, total)))
    return out


def _approved(approved: int | None, people: int, zh: bool) -> str:
    """核定行政编制 against the people on 行政编制: 事业编制 and other staff are not counted against
    a department's approved administrative staffing."""
    if approved is None:
        return ""
    if people < approved:
        gap = (f"空编{approved - people}名", f"{approved - people} vacant")
    elif people == approved:
        gap = ("满编", "fully staffed")
    else:
        gap = (f"超编{people - approved}名", f"{people - approved} over it")
    if zh:
        return f"核定行政编制{approved}名，{gap[0]}。"
    return f" Approved administrative staffing: {approved}; {gap[1]}."


def _annex_blocks(plan: Plan, department: Department, zh: bool) -> list[Block]:
    lang = "zh" if zh else "en"
    today = {s.id: s.name for s in department.sections}
    planned = {s.id: s.name for s in plan.sections}
    out: list[Block] = [Heading("附件：调整清单" if zh else "Annex: list of changes", 1)]
    if not plan.changes:
        out.append(Paragraph("无调整事项。" if zh else "Nothing changes."))
        return out
    headers = (
        ("序号", "类型", "事项", "名称", "原科室", "新科室", "说明")
        if zh
        else ("No.", "Kind", "Item", "Name", "From", "To", "Detail")
    )
    # a staff move's from and to are in their own columns: its detail says why (人随事走)
    why = reasons_of(plan, department)
    rows = tuple(
        (
            str(i),
            value_label(c.kind, lang),
            c.item,
            c.name,
            today.get(c.from_section or "", c.from_section or ""),
            planned.get(c.to_section or "", c.to_section or ""),
            why[c.item][not zh]
            if c.kind == "staff_move" and c.item in why
            else (c.detail_zh if zh else c.detail_en),
        )
        for i, c in enumerate(plan.changes, start=1)
    )
    out.append(TableBlock(headers, rows))
    return out


def _redact_block(block: Block, redact) -> Block:
    if isinstance(block, TableBlock):
        return TableBlock(block.headers, tuple(tuple(redact(c) for c in r) for r in block.rows))
    if isinstance(block, Heading):
        return Heading(redact(block.text), block.level)
    return Paragraph(redact(block.text))


# ---------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------


def _md_cell(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            lines += ["#" * (b.level + 1) + " " + b.text, ""]
        elif isinstance(b, Paragraph):
            lines += [b.text, ""]
        else:
            lines.append("| " + " | ".join(_md_cell(h) for h in b.headers) + " |")
            lines.append("|" + "|".join("---" for _ in b.headers) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# GB/T 9704 (党政机关公文格式): A4, margins top 37, bottom 35, left 28, right 26 mm.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


def _set_font(style, latin: str, east_asian: str, size: float, *, black: bool = False) -> None:
    style.font.name = latin
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    # A theme font wins over the named one in Word (and shows the theme's font), so drop them.
    for attr in THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    if black:
        # The template's headings are theme blue; an official document's are black.
        style.font.color.rgb = RGBColor(0, 0, 0)
        color = rpr.find(qn("w:color"))
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


def _plain_defaults(doc) -> None:
    """No theme font in the document defaults, and no theme-blue rule under the title."""
    fonts = doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    fonts = fonts.find(qn("w:rFonts")) if fonts is not None else None
    if fonts is not None:
        for attr in THEME_FONT_ATTRS:
            fonts.attrib.pop(qn(attr), None)
    ppr = doc.styles["Title"].element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:
        ppr.remove(border)


def _set_page(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])


def render_docx(blocks: list[Block]) -> bytes:
    doc = Document()
    # Official documents: 仿宋 for the text, 黑体 for headings, 宋体 bold for the title.
    _set_font(doc.styles["Normal"], "Times New Roman", "仿宋", 12)
    # The linked character styles (Title Char, Heading 1 Char) are what Word shows for the text
    # of such a paragraph, so they get the same fonts.
    for name, east_asian, size in (("Title", "宋体", 20), ("Heading 1", "黑体", 14)):
        _set_font(doc.styles[name], "Times New Roman", east_asian, size, black=True)
        _set_font(doc.styles[f"{name} Char"], "Times New Roman", east_asian, size, black=True)
    _plain_defaults(doc)
    _set_page(doc)
    for b in blocks:
        if isinstance(b, Heading):
            h = doc.add_heading(b.text, level=b.level)
            if b.level == 0:
                h.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(b, Paragraph):
            doc.add_paragraph(b.text)
        else:
            table = doc.add_table(rows=1, cols=len(b.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.headers, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for r in b.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, r, strict=True):
                    cell.text = text
            doc.add_paragraph("")
    doc.core_properties.author = "restructure"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
