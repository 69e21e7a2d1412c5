// One page of the dependency edges into a symbol, file or external: calls, uses, bases and imports.
// Parameters: $id, $offset, $limit.
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (s:Symbol|File|External {id: $id})
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN a.id AS src, type(e) AS type, s.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
ORDER BY src, line, `column`, type SKIP $offset LIMIT $limit
