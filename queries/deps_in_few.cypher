// deps_in.cypher for up to queries.graph.FEW["deps_in"] ids: each target is looked up by primary
// key and its edges followed from it (see deps_out_few.cypher); the time grows with the rows, where
// deps_in.cypher scans every edge (about 0.1-0.3 s on Django), so for thousands of ids with many
// edges the scan is cheaper. Parameters: $ids (symbol ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS x
MATCH (b:Symbol {id: x})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(b)
WITH a, e, b WHERE a IS NOT NULL
RETURN a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
