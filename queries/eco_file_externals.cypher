// Imports of externals under some module roots out of the files of one repo.
// Parameters: $prefix (`file:<repo-id>:`), $roots (external ids of root modules or packages, e.g.
// `ext:python:toolkit`, `ext:go:example.com/lib`; ids under one follow it with `.` or `/`).
// Columns: src, type, dst, line, column, alias, module, name (of the External).
UNWIND $roots AS root
MATCH (a:File)-[e:IMPORTS]->(b:External)
WHERE a.id STARTS WITH $prefix AND e.crossProject IS NULL
      AND (b.id = root OR b.id STARTS WITH (root + '.') OR b.id STARTS WITH (root + '/'))
RETURN a.id AS src, 'IMPORTS' AS type, b.id AS dst, e.line AS line, e.`column` AS `column`, e.alias AS alias,
       b.module AS module, b.name AS name
