// One page of the CALLS edges out of a symbol, in source order.
// Parameters: $id (symbol id), $offset, $limit.
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (a:Symbol {id: $id})-[e:CALLS]->(b)
RETURN a.id AS src, 'CALLS' AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence, e.alias AS alias
ORDER BY line, `column`, dst SKIP $offset LIMIT $limit
