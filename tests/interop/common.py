"""What the interop scripts share: where the database is (from the environment the Rust test
sets) and the rows every tool writes and expects back."""

import datetime
import decimal
import os
import sys
import uuid

BACKEND = os.environ["INTEROP_BACKEND"]  # sqlite | postgres | mysql
SQLITE_PATH = os.environ.get("INTEROP_SQLITE_PATH", "")
# The database of the test (PostgreSQL or MariaDB), made for it by the Rust test.
DATABASE = os.environ.get("INTEROP_DATABASE", "")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": DATABASE}
MY = {"host": "127.0.0.1", "port": 3306, "user": "root"}

UTC = datetime.timezone.utc
U1 = uuid.UUID("0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10")
U2 = uuid.UUID("7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f")
# What ormsh adds (tests/interop.rs writes the same values).
U3 = uuid.UUID("c0ffee00-1234-4abc-8def-0123456789ab")

AUTHORS = ["Ann", "Bob"]
# title, price, published_at (UTC), uid, meta, in_print, author
BOOKS = [
    ("Tea", decimal.Decimal("39.90"), datetime.datetime(2024, 1, 2, 3, 4, 5), U1, {"tags": ["a", "b"]}, True, "Ann"),
    ("Cup", decimal.Decimal("2.00"), datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), U2, {"n": 1}, False, "Bob"),
]
ADDED = ("Pot", decimal.Decimal("12.50"), datetime.datetime(2024, 3, 4, 5, 6, 7, 250000), U3, {"k": [1, 2]}, True, "Bob")


def same(what, got, want):
    """Exactly equal, type included (a Decimal is not a float, True is not 1)."""
    if type(got) is not type(want) or got != want:
        sys.exit(f"{what}: got {got!r}, want {want!r}")
# ormsh's `update Book where title = Cup set price = 2.50`.
UPDATED_PRICE = decimal.Decimal("2.50")
