"""Benchmark: the case list's search on a loaded database, before and after the index.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvk_load .venv/bin/python bench/search.py

On a database loaded by ``bench/dashboard.py --load`` (100,000 cases: ``--communes 2000
--years 5 --per-unit 10``), counts the cases each search finds for the Ban Dân vận, with
the condition of ``models_registry.selectors.initiative_search`` and with the one it
replaced (a join to the units, ``search_text LIKE '%w%' OR unit.name_key LIKE '%w%'``),
under ``EXPLAIN (ANALYZE)``: the median execution time of 5 and whether the plan reads
the trigram index ``initiative_search_trgm`` (migration models_registry/0008). Not a test.
"""

import os
import statistics
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SEARCHES = ["Đông Ngàn", "camera", "tiếp dân", "dinh bang", "xyzqw"]


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Q

    from models_registry.selectors import initiative_list, initiative_search
    from units.text import fold

    def replaced(qs, text):
        for word in fold(text).split():
            qs = qs.filter(Q(search_text__contains=word) | Q(unit__name_key__contains=word))
        return qs

    user = get_user_model().objects.get(username="bench.bandanvan")
    total = initiative_list(actor=user).count()
    print(f"{total:,} cases; load average {os.getloadavg()[0]:.1f}")
    header = f"{'search':14} {'found':>7} {'before ms':>10} {'after ms':>9} {'index used':>10}"
    print(header)
    print("-" * len(header))
    for text in SEARCHES:
        row = []
        for search in (replaced, initiative_search):
            qs = search(initiative_list(actor=user), text)
            sql, params = qs.order_by().values("pk").query.sql_with_params()
            times = []
            for _ in range(5):
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT COUNT(*) FROM ({sql}) s", params
                    )
                    plan = cursor.fetchone()[0][0]
                times.append(plan["Execution Time"])
            row.append((statistics.median(times), "initiative_search_trgm" in str(plan)))
        found = initiative_search(initiative_list(actor=user), text).count()
        print(
            f"{text:14} {found:7d} {row[0][0]:10.1f} {row[1][0]:9.1f} "
            f"{'yes' if row[1][1] else 'no':>10}"
        )
    print(
        f"(execution times under EXPLAIN ANALYZE, median of 5; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
