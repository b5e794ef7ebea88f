"""Dashboards and the sơ kết / tổng kết reports (issue 7).

Every figure is counted by the database (GROUP BY, ``COUNT(*) FILTER``), starting from
the same scoped, filtered queryset as the case list, so that a number and the list it
links to cannot disagree (the "needs attention" predicates are the list filters' own:
``models_registry.conditions``). Modules: ``scope`` (what a dashboard covers),
``figures`` (the counts), ``median`` (time between transitions, from the transition
log), ``charts`` (bars), ``reports`` (xlsx and docx), ``tally`` and its models (counts
kept per change).
"""
