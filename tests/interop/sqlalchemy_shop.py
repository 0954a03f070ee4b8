"""SQLAlchemy 2 makes the shop (`create`) and reads back what ormsh added (`check`)."""

import sys

from sqlalchemy.dialects import mysql
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Numeric, String, Uuid, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

import common


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    price: Mapped[object] = mapped_column(Numeric(8, 2, asdecimal=True))
    # MySQL's DATETIME keeps whole seconds unless told otherwise, as SQLAlchemy's docs say.
    published_at: Mapped[object] = mapped_column(DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"))
    uid: Mapped[object] = mapped_column(Uuid())
    meta: Mapped[object] = mapped_column(JSON())
    in_print: Mapped[bool] = mapped_column(Boolean())
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship()


def engine():
    if common.BACKEND == "sqlite":
        return create_engine(f"sqlite:///{common.SQLITE_PATH}")
    if common.BACKEND == "postgres":
        pg = common.PG
        return create_engine(f"postgresql+psycopg2://{pg['user']}@{pg['host']}:{pg['port']}/{pg['dbname']}")
    my = common.MY
    return create_engine(f"mysql+pymysql://{my['user']}@{my['host']}:{my['port']}/{common.DATABASE}")


def create():
    e = engine()
    Base.metadata.create_all(e)
    with Session(e) as s:
        authors = {name: Author(name=name) for name in common.AUTHORS}
        s.add_all(authors.values())
        for title, price, at, uid, meta, in_print, author in common.BOOKS:
            s.add(Book(title=title, price=price, published_at=at, uid=uid, meta=meta, in_print=in_print, author=authors[author]))
        s.commit()


def check():
    with Session(engine()) as s:
        title, price, at, uid, meta, in_print, author = common.ADDED
        book = s.scalars(select(Book).where(Book.title == title)).one()
        common.same("price", book.price, price)
        common.same("published_at", book.published_at, at)
        common.same("uid", book.uid, uid)
        common.same("meta", book.meta, meta)
        common.same("in_print", book.in_print, in_print)
        common.same("author", book.author.name, author)
        # SQLAlchemy finds ormsh's row, and its own, by the values it binds itself.
        common.same("by time", s.scalars(select(Book.title).where(Book.published_at == at)).all(), [title])
        half = common.BOOKS[1][2]
        common.same("its own row by time", s.scalars(select(Book.title).where(Book.published_at == half)).all(), ["Cup"])
        common.same("by uuid", s.scalars(select(Book.title).where(Book.uid == uid)).all(), [title])
        common.same("updated by ormsh", s.scalars(select(Book.price).where(Book.title == "Cup")).one(), common.UPDATED_PRICE)


if __name__ == "__main__":
    {"create": create, "check": check}[sys.argv[1]]()
