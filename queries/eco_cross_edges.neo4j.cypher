// Cross-project dependency edges out of (or into) the repos of a project: the edges marked
// crossProject, found by the id prefixes of the project's files and symbols.
// Parameters: $files (`file:repo:<project>/`), $syms (`sym:repo:<project>/`), $outgoing (bool).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (a:File)-[e:IMPORTS]->(b)
WHERE e.crossProject = true AND (($outgoing AND a.id STARTS WITH $files)
      OR (NOT $outgoing AND (b.id STARTS WITH $files OR b.id STARTS WITH $syms)))
RETURN a.id AS src, 'IMPORTS' AS type, b.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence, e.alias AS alias
UNION ALL
MATCH (a:Symbol)-[e:CALLS|USES|EXTENDS]->(b:Symbol)
WHERE e.crossProject = true AND (($outgoing AND a.id STARTS WITH $syms) OR (NOT $outgoing AND b.id STARTS WITH $syms))
RETURN a.id AS src, type(e) AS type, b.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution, e.candidates AS candidates, e.confidence AS confidence, e.alias AS alias
