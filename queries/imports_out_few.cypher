// imports_out.cypher for a few ids (see deps_in_few.cypher). Parameters: $ids (file ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (f:File)-[e:IMPORTS]->(b) WHERE f.id IN $ids
RETURN f.id AS src, 'IMPORTS' AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
