// deps_out.cypher for up to queries.graph.FEW["deps_out"] ids: each id is looked up by primary key,
// then its edges are followed from it (OPTIONAL MATCH, which LadybugDB 0.22 plans as a walk from
// the node found; a MATCH of the whole pattern it plans as a join over every edge of the four
// tables, about 0.1-0.5 s on Django for one id or two thousand). Rows without an edge are dropped.
// On Django: 1 id 1-2 ms, 200 ids 10 ms, 2,000 ids 20 ms (the join: 110-250 ms each).
// Parameters: $ids (symbol ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS x
MATCH (a:Symbol {id: x})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b)
WITH a, e, b WHERE b IS NOT NULL
RETURN a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
