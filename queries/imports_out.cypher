// The imports out of a set of files: one hop of a dependency traversal.
// Parameters: $ids (file ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS id
MATCH (f:File {id: id})-[e:IMPORTS]->(b)
RETURN f.id AS src, 'IMPORTS' AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
