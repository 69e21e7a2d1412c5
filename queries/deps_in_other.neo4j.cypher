// The dependency edges into a set of files and externals (imports of a module, calls of an
// external name): one hop of a reverse traversal. Symbols have their own query, keyed on their
// table. Parameters: $ids (file and external ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS id
MATCH (b:File|External {id: id})
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(b)
RETURN a.id AS src, type(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
