"""Dashboards and the sơ kết / tổng kết reports (issue 7).

Every figure is counted by the database (GROUP BY, ``COUNT(*) FILTER``), starting from
the same scoped, filtered queryset as the case list, so that a number and the list it
links to cannot disagree. Modules: ``conditions`` (the "needs attention" predicates the
list filters share), ``scope`` (what a dashboard covers), ``figures`` (the counts),
``median`` (time between transitions, from the transition log), ``charts`` (bars),
``reports`` (xlsx and docx).
"""
