"""restructure 内设机构优化: the planner's web app. Run with ``make app`` (streamlit run app.py).

This file is the router only: page config, the language switch, the live solve progress, and
``st.navigation`` over the pages in ``app_pages/``.
"""

from __future__ import annotations

import streamlit as st

from app_pages import state
from app_pages.i18n import t
from app_pages.widgets import plain, solve_progress

st.set_page_config(page_title="restructure 内设机构优化", page_icon=":material/account_tree:", layout="wide")

# A finished background solve becomes the session's plan before any page draws.
state.collect_job()
state.keep_widget_values()

with st.sidebar:
    st.radio(
        "语言 / Language",
        ["zh", "en"],
        format_func=lambda v: "中文" if v == "zh" else "English",
        horizontal=True,
        key=state.LANG,
        on_change=state.language_changed,
    )
    current = state.scenario()
    st.caption(t("sidebar_scenario", name=plain(current.name)) if current else t("sidebar_none"))

pages = [
    st.Page(
        "app_pages/scenario_page.py", title=t("page_scenario"), icon=":material/folder_open:", default=True
    ),
    st.Page("app_pages/plan_page.py", url_path="plan", title=t("page_plan"), icon=":material/account_tree:"),
    st.Page("app_pages/pins_page.py", url_path="pins", title=t("page_pins"), icon=":material/push_pin:"),
    st.Page(
        "app_pages/compare_page.py",
        url_path="compare",
        title=t("page_compare"),
        icon=":material/compare_arrows:",
    ),
    st.Page(
        "app_pages/export_page.py", url_path="export", title=t("page_export"), icon=":material/download:"
    ),
    st.Page(
        "app_pages/simulation_page.py",
        url_path="simulation",
        title=t("page_simulation"),
        icon=":material/monitoring:",
    ),
]
page = st.navigation(pages)
if state.solving():
    solve_progress()
page.run()
