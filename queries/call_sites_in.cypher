// Where a symbol or an external name is called: the caller and the position only, in the order and
// bound of callers.cypher's pages (queries/sites.py).
// Parameters: $id, $limit. Columns: src, type, line, column.
MATCH (s:Symbol|External {id: $id})
MATCH (a:Symbol)-[e:CALLS]->(s)
RETURN a.id AS src, 'CALLS' AS type, e.line AS line, e.`column` AS `column`
ORDER BY src, line, `column` LIMIT $limit
