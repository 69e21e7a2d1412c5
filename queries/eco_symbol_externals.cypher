// Calls, uses and bases of externals under some module roots out of the symbols of one repo.
// Parameters: $prefix (`sym:<repo-id>:`), $roots (external ids of root modules).
// Columns: src, type, dst, line, column, alias.
UNWIND $roots AS root
MATCH (a:Symbol)-[e:CALLS|USES|EXTENDS]->(b:External)
WHERE a.id STARTS WITH $prefix AND (b.id = root OR b.id STARTS WITH (root + '.')) AND e.crossProject IS NULL
RETURN a.id AS src, label(e) AS type, b.id AS dst, e.line AS line, e.`column` AS `column`, e.alias AS alias
