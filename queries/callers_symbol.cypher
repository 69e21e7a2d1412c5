// One page of the CALLS edges into a symbol (anchored on its table: LadybugDB scans every table of a
// multi-label anchor), by caller and position.
// Parameters: $id (symbol id), $offset, $limit.
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (s:Symbol {id: $id})
MATCH (a:Symbol)-[e:CALLS]->(s)
RETURN a.id AS src, 'CALLS' AS type, s.id AS dst,
       e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence, e.alias AS alias
ORDER BY src, line, `column` SKIP $offset LIMIT $limit
