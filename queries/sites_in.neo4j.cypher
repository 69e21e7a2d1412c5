// Where a symbol, file or external is referenced (calls, uses, bases, imports): the referrer and
// the position only, for an editor's list of locations (queries/sites.py), which orders and bounds
// them (LadybugDB's ORDER BY and LIMIT cost three times the match over 2,000 rows).
// Parameters: $id. Columns: src, type, line, column.
MATCH (s:Symbol|File|External {id: $id})
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN a.id AS src, type(e) AS type, e.line AS line, e.`column` AS `column`
