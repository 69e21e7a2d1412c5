// The calls, uses and bases out of a set of symbols: one hop of a dependency traversal.
// Parameters: $ids (symbol ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS id
MATCH (a:Symbol {id: id})-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b)
RETURN a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
