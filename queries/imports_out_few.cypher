// imports_out.cypher for up to queries.graph.FEW["imports_out"] ids (see deps_out_few.cypher).
// Parameters: $ids (file ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS x
MATCH (f:File {id: x})
OPTIONAL MATCH (f)-[e:IMPORTS]->(b)
WITH f, e, b WHERE b IS NOT NULL
RETURN f.id AS src, 'IMPORTS' AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
