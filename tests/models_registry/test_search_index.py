"""The case list's search: diacritic- and case-blind over the case's name and goals and
its unit's name, every word required, answered on PostgreSQL by the trigram index on the
folded text (migration 0008) rather than by reading every case."""

from django.db import connection
from django.urls import reverse

from models_registry.models import Initiative
from models_registry.selectors import initiative_list, initiative_search
from tests.factories import make_draft


def names(client, query: str) -> list[str]:
    response = client.get(reverse("models_registry:initiative_list"), {"q": query})
    return sorted(c.name for c in response.context["page"].object_list)


def test_every_word_must_match_the_case_or_its_unit_whatever_the_diacritics(client, world):
    make_draft(world, name="Phân loại rác tại nguồn", goals="Giảm 30% rác thải nhựa")
    make_draft(world, name="Camera an ninh", actor=world.officer_b, unit=world.ward_b)
    client.force_login(world.secretariat)
    assert names(client, "PHAN LOAI") == ["Phân loại rác tại nguồn"]
    assert names(client, "rac thai nhua") == ["Phân loại rác tại nguồn"]  # the goals
    assert names(client, "camera rác") == []  # both words, in one case
    # A word of the unit's name, with one of the case's: the unit's side of the OR.
    unit_word = world.ward_b.name_key.split()[-1]
    assert names(client, f"camera {unit_word}") == ["Camera an ninh"]
    assert names(client, "khong co dau") == []


def test_the_search_can_be_answered_by_the_trigram_index(world):
    assert connection.vendor == "postgresql"
    make_draft(world, name="Phân loại rác tại nguồn")
    query = initiative_search(initiative_list(actor=world.secretariat), "phan loai")
    # Unordered: the question is how the condition is answered, not how rows are sorted
    # (with sequential scans forbidden, the newest-first index could serve the order).
    sql, params = query.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # A few rows: the planner would read them all. Forbidden to, it must find an
        # index that answers the condition: the trigram one, ORed with the unit's.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "initiative_search_trgm" in plan, plan
    assert "BitmapOr" in plan, plan
    assert list(query.values_list("name", flat=True)) == ["Phân loại rác tại nguồn"]
    assert Initiative.objects.count() == 1
