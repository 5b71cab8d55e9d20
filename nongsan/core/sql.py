"""Hand-written reads for the few hot paths (API keys, the cart, checkout, payment attempts).

Building a query with the ORM costs several times what the database spends answering it; on the
paths every buyer takes many times a minute, the SQL is written once, by hand, and its rows become
ordinary model instances here. Columns come from the models' own fields and values go through the
same converters the ORM applies (SQLite returns decimals and datetimes as text), so an instance
read this way is the instance the ORM would have built.

    sql = f"SELECT {columns(Cart, 'c')} FROM orders_cart c WHERE c.user_id = %s"
    cart = one(sql, [user.pk], Cart)
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import DecimalField, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Shape:
    """How one model's columns read: their names in order and the converters each value needs."""

    attnames: list[str]
    columns: list[str]
    converters: list[tuple[int, list[Converter], Any]]


# By model alone: the project runs on one database, so the converters are those of its engine.
_shapes: dict[type[Model], _Shape] = {}


def _shape(model: type[Model]) -> _Shape:
    shape = _shapes.get(model)
    if shape is None:
        db = connections[DEFAULT_DB_ALIAS]
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            found = db.ops.get_db_converters(expression) + expression.get_db_converters(db)
            if found:
                converters.append((index, found, expression))
        shape = _shapes[model] = _Shape(
            attnames=[f.attname for f in fields],
            columns=[str(f.column) for f in fields],
            converters=converters,
        )
    return shape


def columns(model: type[Model], alias: str) -> str:
    """Every concrete column of the model, qualified by the alias, in the order `build` reads."""
    return ", ".join(f'{alias}."{column}"' for column in _shape(model).columns)


def width(model: type[Model]) -> int:
    return len(_shape(model).columns)


def build(model: type[M], row: Sequence[Any], start: int = 0) -> M:
    """The instance whose columns (as `columns` lists them) begin at `row[start]`."""
    shape = _shapes.get(model) or _shape(model)
    values = row[start : start + len(shape.attnames)]
    if shape.converters:
        db = connections[DEFAULT_DB_ALIAS]
        values = list(values)
        for index, converters, expression in shape.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, expression, db)
            values[index] = value
    return model.from_db(DEFAULT_DB_ALIAS, shape.attnames, values)


def partial(model: type[M], attnames: Sequence[str], values: Sequence[Any]) -> M:
    """An instance with only these fields loaded (the others are deferred, as with `.only()`)."""
    return model.from_db(DEFAULT_DB_ALIAS, list(attnames), list(values))


def prefetched(instance: Model, name: str, objects: Sequence[Model]) -> None:
    """Leave `instance.<name>.all()` answering these objects without a query, as
    `prefetch_related` would (for objects just written, already in memory)."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


MAX_KEY = 2**63 - 1


def is_key(value: int) -> bool:
    """Whether a number a client sent can be a primary key at all (the ORM checks this before it
    queries; SQLite would raise on a larger one)."""
    return 0 < value <= MAX_KEY


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def one(sql: str, params: Sequence[Any], model: type[M]) -> M | None:
    """The first row as an instance of the model, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return build(model, row) if row is not None else None


def insert(objects: Sequence[M]) -> list[M]:
    """Write new instances of one model with one INSERT and give them their primary keys: what
    `bulk_create` does, without building the statement through the ORM each time."""
    if not objects:
        return []
    model = type(objects[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
    db = connections[DEFAULT_DB_ALIAS]
    params: list[Any] = []
    for obj in objects:
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields)
    names = ", ".join(f'"{f.column}"' for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(objects))
    statement = (
        f'INSERT INTO "{meta.db_table}" ({names}) VALUES {values} RETURNING "{meta.pk.column}"'
    )
    with db.cursor() as cursor:
        cursor.execute(statement, params)
        keys = cursor.fetchall()
    # Decimals as the database keeps them (2.5 in a 3-place column reads back as 2.500), so an
    # answer built from these instances is the one a later read gives.
    places = [
        (f.attname, Decimal(1).scaleb(-f.decimal_places))
        for f in fields
        if isinstance(f, DecimalField)
    ]
    for obj, (key,) in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
        for attname, exponent in places:
            value = getattr(obj, attname)
            if value is not None:
                setattr(obj, attname, Decimal(value).quantize(exponent))
    return list(objects)


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a write; the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def for_update() -> str:
    """` FOR UPDATE` where the database locks rows that way (SQLite serialises writers instead)."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""
