"""Django 5 makes the shop (`create`, tables `shop_author` and `shop_book` as its migrations
would) and reads back what ormsh added (`check`)."""

import sys

import django
from django.conf import settings

import common

if common.BACKEND == "sqlite":
    DB = {"ENGINE": "django.db.backends.sqlite3", "NAME": common.SQLITE_PATH}
elif common.BACKEND == "postgres":
    pg = common.PG
    DB = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": pg["dbname"],
        "USER": pg["user"],
        "HOST": pg["host"],
        "PORT": pg["port"],
    }
else:
    import pymysql

    pymysql.install_as_MySQLdb()
    my = common.MY
    DB = {"ENGINE": "django.db.backends.mysql", "NAME": common.DATABASE, "USER": my["user"], "HOST": my["host"], "PORT": my["port"]}

settings.configure(DATABASES={"default": DB}, INSTALLED_APPS=[], USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
django.setup()

from django.db import connection, models  # noqa: E402


class Author(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "shop"


class Book(models.Model):
    title = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published_at = models.DateTimeField()
    uid = models.UUIDField()
    meta = models.JSONField()
    in_print = models.BooleanField()
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    class Meta:
        app_label = "shop"


def utc(naive):
    return naive.replace(tzinfo=common.UTC)


def create():
    with connection.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)
    authors = {name: Author.objects.create(name=name) for name in common.AUTHORS}
    for title, price, at, uid, meta, in_print, author in common.BOOKS:
        Book.objects.create(
            title=title, price=price, published_at=utc(at), uid=uid, meta=meta, in_print=in_print, author=authors[author]
        )


def check():
    title, price, at, uid, meta, in_print, author = common.ADDED
    book = Book.objects.get(title=title)
    common.same("price", book.price, price)
    common.same("published_at", book.published_at, utc(at))
    common.same("uid", book.uid, uid)
    common.same("meta", book.meta, meta)
    common.same("in_print", book.in_print, in_print)
    common.same("author", book.author.name, author)
    common.same("by time", list(Book.objects.filter(published_at=utc(at)).values_list("title", flat=True)), [title])
    half = utc(common.BOOKS[1][2])
    common.same("its own row by time", list(Book.objects.filter(published_at=half).values_list("title", flat=True)), ["Cup"])
    common.same("by uuid", list(Book.objects.filter(uid=uid).values_list("title", flat=True)), [title])
    common.same("updated by ormsh", Book.objects.get(title="Cup").price, common.UPDATED_PRICE)


if __name__ == "__main__":
    {"create": create, "check": check}[sys.argv[1]]()
