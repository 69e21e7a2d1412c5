// The types that extend or implement a set of types (symbols or externals): one hop down a
// type hierarchy. Parameters: $ids (symbol or external ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS id
MATCH (b:Symbol|External {id: id})
MATCH (a:Symbol)-[e:EXTENDS|IMPLEMENTS]->(b)
RETURN a.id AS src, type(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
