"""Bulk rows as Arrow tables, the form LadybugDB's ``COPY … FROM`` reads.

Example::

    table = edge_table("CALLS", [(src, dst, 12, 4, "import", 1, 1.0, None, False)])

A full run's workers turn their node and edge rows into tables before sending them to the run's process
(``BulkRows.to_arrow``), when the run writes to LadybugDB: a table crosses the process
boundary as a few buffers, where rows are unpickled tuple by tuple, and the columns are built in
the workers, not in the run's write, which has only one core's work to do (docs/decisions/0022).
Only ``pyarrow`` is imported here: a worker does not load the database.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from graphsvc.model import EDGE_PROPS, NODE_SCHEMA, STRUCTURAL_EDGES

__all__ = ["ARROW_TYPES", "columns_table", "edge_table", "joined", "node_table"]

ARROW_TYPES = {"STRING": pa.string(), "INT64": pa.int64(), "BOOL": pa.bool_(), "DOUBLE": pa.float64()}


def node_table(label: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """Node rows of ``label`` in schema order (``node_tuple``) as a table with a column per property."""
    return columns_table(label, list(zip(*rows)) or [()] * len(NODE_SCHEMA[label]))


def columns_table(label: str, columns: list[Any]) -> pa.Table:
    """Node columns of ``label``, one sequence per property in schema order, as a table."""
    schema = NODE_SCHEMA[label]
    if len(columns) != len(schema):
        raise ValueError(f"{label}: {len(columns)} columns, the schema has {len(schema)}")
    return pa.table({p: pa.array(col, type=ARROW_TYPES[t]) for (p, t), col in zip(schema.items(), columns)})


def edge_table(etype: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """Edge rows (``BULK_EDGE_COLUMNS``: a structural edge's hold its two ends only) as a table with
    ``from`` and ``to`` columns, then one per edge property."""
    structural = etype in STRUCTURAL_EDGES
    columns = list(zip(*rows)) or [()] * (2 if structural else 2 + len(EDGE_PROPS))
    table: dict[str, pa.Array] = {"from": pa.array(columns[0], type=pa.string()),
                                  "to": pa.array(columns[1], type=pa.string())}
    if not structural:
        for (p, t), col in zip(EDGE_PROPS.items(), columns[2:]):
            table[p] = pa.array(col, type=ARROW_TYPES[t])
    return pa.table(table)


def joined(tables: list[pa.Table]) -> pa.Table:
    """Tables of one schema as one, without copying their columns, and without the empty ones:
    LadybugDB 0.22's COPY stops reading a table at a chunk of no rows (of chunks of 5,000, 0 and
    7,000 rows it copied 9,952), so a table of several chunks must hold none that is empty."""
    batches = [batch for table in tables for batch in table.to_batches() if batch.num_rows]
    return pa.Table.from_batches(batches, schema=tables[0].schema)
