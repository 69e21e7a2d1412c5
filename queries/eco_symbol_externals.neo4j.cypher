// Calls, uses and bases of externals under some module roots out of the symbols of one repo.
// Parameters: $prefix (`sym:<repo-id>:`), $roots (external ids of root modules or packages;
// ids under one follow it with `.` or `/`).
// Columns: src, type, dst, line, column, alias, module, name (of the External).
UNWIND $roots AS root
MATCH (a:Symbol)-[e:CALLS|USES|EXTENDS]->(b:External)
WHERE a.id STARTS WITH $prefix AND e.crossProject IS NULL
      AND (b.id = root OR b.id STARTS WITH (root + '.') OR b.id STARTS WITH (root + '/'))
RETURN a.id AS src, type(e) AS type, b.id AS dst, e.line AS line, e.`column` AS `column`, e.alias AS alias,
       b.module AS module, b.name AS name
