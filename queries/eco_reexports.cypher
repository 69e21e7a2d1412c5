// The symbols some files import by name (a package's `__init__` re-exports), with the local alias.
// Parameters: $ids (file ids). Columns: src, dst, name, alias.
UNWIND $ids AS id
MATCH (a:File {id: id})-[e:IMPORTS]->(b:Symbol)
RETURN a.id AS src, b.id AS dst, b.name AS name, e.alias AS alias
