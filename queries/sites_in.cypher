// Where a symbol, file or external is referenced (calls, uses, bases, imports): the referrer and
// the position only, for an editor's list of locations (queries/sites.py), which orders and bounds
// them (LadybugDB's ORDER BY and LIMIT cost three times the match over 2,000 rows). The edge type
// is left out: two sites with the same referrer, line and column are the same site to an editor,
// and the column of 2,000 labels cost a tenth of the read.
// Parameters: $id. Columns: src, line, column.
MATCH (s:Symbol|File|External {id: $id})
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN a.id AS src, e.line AS line, e.`column` AS `column`
