// Imports of externals under some module roots out of the files of one repo.
// Parameters: $prefix (`file:<repo-id>:`), $roots (external ids of root modules, e.g. `ext:python:toolkit`).
// Columns: src, dst, line, column, alias.
UNWIND $roots AS root
MATCH (a:File)-[e:IMPORTS]->(b:External)
WHERE a.id STARTS WITH $prefix AND (b.id = root OR b.id STARTS WITH (root + '.')) AND e.crossProject IS NULL
RETURN a.id AS src, 'IMPORTS' AS type, b.id AS dst, e.line AS line, e.`column` AS `column`, e.alias AS alias
