// sites_in.cypher for a symbol, anchored on its table (as references_symbol.cypher).
// Parameters: $id. Columns: src, line, column.
MATCH (s:Symbol {id: $id})
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN a.id AS src, e.line AS line, e.`column` AS `column`
