"""Many rows at once: inserted by PostgreSQL COPY (else executemany), matched by one array."""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def among(session: Session, column: Any, values: Iterable) -> ColumnElement[bool]:
    """Return `column IN values` as the backend takes a long list best.

    PostgreSQL gets `column = ANY(array)`: one parameter, where an IN list of 40,000 numbers
    is a 1 MB statement the driver rewrites in Python on every call; SQLite the IN list.
    """
    values = sorted(set(values))
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def _default(column):
    """Return what the model would have filled in for a column left out (None: let the database)."""
    default = column.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def insert_rows(session: Session, model, rows: list[dict]) -> int:
    """Insert plain rows of a model, the same rows on either backend; return how many.

    PostgreSQL gets one COPY through the session's own connection (so it commits or rolls
    back with everything else); SQLite one executemany insert. Columns a row leaves out get
    the model's Python default, as an ORM insert would; JSON goes as the dialect writes it.
    """
    if not rows:
        return 0
    bind = session.connection()
    if bind.dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return len(rows)
    table = model.__table__
    given = set().union(*(r.keys() for r in rows))
    cols = [c for c in table.columns if c.name in given or c.default is not None]
    dumps = bind.dialect._json_serializer or json.dumps
    kinds = [(c.name, c.type.__class__.__name__ in ("JSON", "JSONB"),
              getattr(c.type, "process_bind_param", None), _default(c) if c.default else None,
              c.default is not None and c.default.is_callable) for c in cols]
    session.flush()  # rows the ORM still holds go first, as they would with an insert
    names = ", ".join(f'"{c.name}"' for c in cols)
    with bind.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            out = []
            for name, is_json, bind_param, fixed, called in kinds:
                value = row[name] if name in row else (
                    _default(table.c[name]) if called else fixed)
                if bind_param is not None and value is not None:
                    value = bind_param(value, bind.dialect)
                out.append(None if value is None else dumps(value) if is_json else value)
            copy.write_row(out)
    return len(rows)


def insert_loaded(session: Session, model, rows: list[dict], key: tuple[str, ...],
                  *where: ColumnElement[bool]) -> list:
    """Insert rows as `insert_rows` does and return them as loaded objects, in the same order.

    `key` names the columns unique together among the rows `where` selects (e.g. candidate
    and day): the rows are read back by the first column's values, one query, instead of an
    INSERT returning every id.
    """
    insert_rows(session, model, rows)
    loaded = {tuple(getattr(o, k) for k in key): o for o in session.scalars(
        select(model).where(among(session, getattr(model, key[0]), {r[key[0]] for r in rows}),
                            *where))}
    return [loaded[tuple(r[k] for k in key)] for r in rows]
