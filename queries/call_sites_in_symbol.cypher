// call_sites_in.cypher for a symbol, anchored on its table (as callers_symbol.cypher).
// Parameters: $id. Columns: src, line, column.
MATCH (s:Symbol {id: $id})
MATCH (a:Symbol)-[e:CALLS]->(s)
RETURN a.id AS src, e.line AS line, e.`column` AS `column`
