// Where a symbol or an external name is called: the caller and the position only, ordered and
// bounded by queries/sites.py (as sites_in.cypher).
// Parameters: $id. Columns: src, line, column.
MATCH (s:Symbol|External {id: $id})
MATCH (a:Symbol)-[e:CALLS]->(s)
RETURN a.id AS src, e.line AS line, e.`column` AS `column`
