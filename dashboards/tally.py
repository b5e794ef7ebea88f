"""Counts kept per change (the "tally"): what the country-wide dashboard reads on
PostgreSQL instead of counting a campaign's 100,000 cases on every request (issue 7).

- ``CaseTally`` holds, per campaign, per unit SUBTREE (a case of a commune counts in the
  rows of the commune, its province and the country) and per combination of the
  dimensions (state, subject, target and recognised level, the four field flags), how
  many cases there are.
- Statement-level triggers on the cases' table append to ``CaseTallyDelta``, in the
  writing transaction, one row per changed combination of a statement (a COPY of a
  million cases writes a few thousand): +n for the new, -n for the old, keyed by the
  case's own unit; an update that changes no dimension writes nothing. Writers only
  insert there, so no case write waits for another's (nor for a fold).
- ``tally_fold`` moves the deltas into the counts (expanded to the unit's ancestors);
  readers fold first (a cheap EXISTS when nothing is pending), and the beat folds every
  minute so that little is ever pending.
- ``tally_rebuild`` recounts everything from the cases, in one snapshot: after a unit
  moved (its ancestors changed), and by hand (``manage.py tally_rebuild``).

The SQL lives in database functions (models_registry's migration 0005): the trigger, the fold and the
rebuild each take ``pg_advisory_xact_lock(TALLY_LOCK)`` and then run ONE statement, so
a fold or rebuild sees every delta committed before it took the lock, and two of them
never interleave. On SQLite (the embedded default: a city's cases) there is no tally:
``tally_available()`` is False and the dashboard counts the cases.
"""

from django.db import connection

# pg_advisory_xact_lock's key (the functions of migration 0005 repeat it): "tall".
TALLY_LOCK = 0x74616C6C


def tally_available() -> bool:
    """Whether the database keeps the tally (PostgreSQL, with migration 0005's triggers)."""
    return connection.vendor == "postgresql"


def tally_fold() -> int:
    """Fold every delta committed so far into the counts; return how many count rows
    changed (0, after one EXISTS, when nothing was pending). One transaction: the
    deltas it read are deleted exactly when their sums are added. A delta of a unit
    deleted since is dropped (a unit's deletion folds first: see migration 0005)."""
    if not tally_available():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT models_registry_tally_fold()")
        return cursor.fetchone()[0]


def tally_rebuild() -> int:
    """Recount the tally from the cases, in one statement (one snapshot): every delta
    and count row it can see is deleted and the counts are recomputed; a delta
    committed after its snapshot is folded later, on top. Returns the number of count
    rows. Takes seconds on a million cases (the lock holds folds back meanwhile)."""
    if not tally_available():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT models_registry_tally_rebuild()")
        return cursor.fetchone()[0]
