// deps_in_other.cypher for up to queries.graph.FEW["deps_in_other"] ids (see deps_in_few.cypher).
// Parameters: $ids (file and external ids).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
UNWIND $ids AS x
MATCH (b:File|External {id: x})
OPTIONAL MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(b)
WITH a, e, b WHERE a IS NOT NULL
RETURN a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
