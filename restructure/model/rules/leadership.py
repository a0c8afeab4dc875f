"""Leadership posts (领导职数): one chief post per section, deputies capped per section,
the department's total unchanged and no new chief posts; who fills the posts (soft)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from restructure.domain import Rank
from restructure.model.instance import Instance
from restructure.model.variables import Guard, Penalty, Vars
from restructure.terms import deputy_cap, deputy_span


def define(inst: Instance, m: cp_model.CpModel, v: Vars, guard: Guard) -> list[Penalty]:
    r = inst.rules
    dept = inst.dept
    K = range(inst.n_slots)
    chiefs_today, total_posts = dept.chief_posts, dept.leadership_posts
    nsec = v.sections_of()
    dp_total = sum(v.deputy_posts)
    # one setting, one rule instance: a conflict names the cap once, not once per section
    cap = guard("max_deputies_per_section", "", *deputy_cap(r.max_deputies_per_section))
    span = r.people_per_deputy_post
    in_span = guard("people_per_deputy_post", "", *deputy_span(span)) if span > 1 else []
    for k in K:
        # a deputy post needs a person to lead besides the chief; the span of control asks more
        m.add(v.deputy_posts[k] <= v.heads(k) - v.active[k])
        if span > 1:
            m.add(span * v.deputy_posts[k] <= v.heads(k) - v.active[k]).only_enforce_if(in_span)
        m.add(v.deputy_posts[k] <= r.max_deputies_per_section).only_enforce_if(cap)
    if r.keep_leadership_posts:
        lits = guard(
            "keep_leadership_posts",
            "",
            f"领导职数不变：正副职共{total_posts}个，正职不超过{chiefs_today}个（每个科室1个正职）",
            f"leadership posts unchanged: {total_posts} chief and deputy posts in all, "
            f"at most {chiefs_today} chief posts (one per section)",
        )
        m.add(nsec + dp_total == total_posts).only_enforce_if(lits)
        m.add(nsec <= chiefs_today).only_enforce_if(lits)
    else:
        # posts follow the structure (one chief post per section), deputies never grow
        deputies_today = dept.deputy_posts
        m.add(dp_total <= deputies_today).only_enforce_if(
            guard(
                "leadership_posts_cap",
                "",
                f"副职职数不超过现有的{deputies_today}个",
                f"no more than today's {deputies_today} deputy posts",
            )
        )

    # Who fills the posts: a current chief in each chief post, current deputies in deputy posts,
    # and a chief without a chief post may take a deputy post (as ``extract`` fills them).
    chief_filled, deputy_kept, deputy_filled = [], [], []
    for k in K:
        chiefs_k = v.heads_of_rank(k, Rank.CHIEF)
        deps_k = v.heads_of_rank(k, Rank.DEPUTY)
        cf = m.new_bool_var(f"chief_filled[{k}]")
        m.add(cf <= chiefs_k)
        m.add_implication(cf, v.active[k])
        dk = m.new_int_var(0, max(0, inst.deputies_total()), f"deputy_kept[{k}]")
        m.add(dk <= v.deputy_posts[k])
        m.add(dk <= deps_k)
        df = m.new_int_var(0, max(0, inst.deputies_total() + inst.chiefs_total()), f"deputy_filled[{k}]")
        m.add(df <= v.deputy_posts[k])
        m.add(df <= deps_k + chiefs_k - cf)
        chief_filled.append(cf)
        deputy_kept.append(dk)
        deputy_filled.append(df)
    filled = sum(chief_filled)
    v.chief_filled = chief_filled
    # Chiefs who lose their chief post + deputies who lose theirs + posts left vacant (chief and
    # deputy). Why a vacant deputy post costs: without it, a chief displaced by a merge was left
    # "to be placed" in one section while a deputy post stood empty in another (住建局 9+X).
    people = inst.chiefs_total() + inst.deputies_total() + inst.n_slots
    most_posts = max(inst.dept.leadership_posts, inst.rules.max_deputies_per_section, 0) * inst.n_slots
    post_changes = m.new_int_var(0, people + most_posts, "post_changes")
    m.add(
        post_changes
        == (inst.chiefs_total() - filled)
        + (inst.deputies_total() - sum(deputy_kept))
        + (nsec - filled)
        + (dp_total - sum(deputy_filled))
    )
    return [Penalty("posts", post_changes)]
