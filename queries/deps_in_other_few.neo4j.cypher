// deps_in_other.cypher for a few ids (see deps_in_few.cypher). Parameters: $ids (file and
// external ids). Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(b:File|External) WHERE b.id IN $ids
RETURN a.id AS src, type(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
