"""Export page: the current plan as an xlsx workbook, a CSV zip, plan.json and a 三定 draft (docx)."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.widgets import need_plan, plain, solver_line
from restructure.check import check_plan
from restructure.export import FILE_NAMES, csv_zip_bytes, docx_bytes, json_text, xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render() -> None:
    lang = state.lang()
    st.title(t("page_export"))
    if not need_plan():
        return
    plan, sc = state.plan(), state.plan_scenario()
    st.caption(f"{plain(sc.name)} · {solver_line(plan)}")
    if state.plan_is_stale():
        st.warning(t("plan_stale"), icon=":material/warning:")
    if not plan.has_plan:
        st.info(t("export_no_plan"), icon=":material/info:")
    c1, c2 = st.columns(2)
    st.session_state.setdefault(state.EXPORT_LANG, lang)  # the value, not index=: it is kept across pages
    out_lang = c1.radio(
        t("export_lang"),
        ["zh", "en"],
        format_func=lambda v: "中文" if v == "zh" else "English",
        horizontal=True,
        key=state.EXPORT_LANG,
    )
    pseudonymise = c2.checkbox(t("pseudonymise"), key="pseudonymise", help=t("pseudonymise_help"))
    dept = sc.department
    checks = check_plan(sc, plan) if plan.has_plan else None
    opts = {"lang": out_lang, "pseudonymise": pseudonymise}
    cols = st.columns(4)
    cols[0].download_button(
        t("download_xlsx"),
        xlsx_bytes(plan, dept, checks=checks, **opts),
        file_name=FILE_NAMES["xlsx"],
        mime=XLSX_MIME,
        key="download_xlsx",
        icon=":material/table:",
        on_click="ignore",
        type="primary",
    )
    cols[1].download_button(
        t("download_zip"),
        csv_zip_bytes(plan, dept, checks=checks, **opts),
        file_name=FILE_NAMES["zip"],
        mime="application/zip",
        key="download_zip",
        icon=":material/folder_zip:",
        on_click="ignore",
    )
    cols[2].download_button(
        t("download_json"),
        json_text(plan, dept, **opts).encode("utf-8"),
        file_name=FILE_NAMES["json"],
        mime="application/json",
        key="download_json",
        icon=":material/data_object:",
        on_click="ignore",
    )
    cols[3].download_button(
        t("download_docx"),
        docx_bytes(plan, dept, **opts),
        file_name=FILE_NAMES["docx"],
        mime=DOCX_MIME,
        key="download_docx",
        icon=":material/description:",
        on_click="ignore",
    )
    st.caption(t("export_caption"))


render()
