// The dependency edges written on one line of a file: those of its symbols (found by the
// file's symbol id prefix, see file_symbols.cypher) and its imports. The caller picks the one
// under the column. Parameters: $prefix, $file (file id), $line.
// Columns: src, type, dst, dstName, dstModule, line, column, resolution, candidates, confidence, alias.
MATCH (a:Symbol) WHERE a.id STARTS WITH $prefix
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b) WHERE e.line = $line
RETURN a.id AS src, label(e) AS type, b.id AS dst, b.name AS dstName, b.module AS dstModule,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
UNION ALL
MATCH (f:File {id: $file})-[e:IMPORTS]->(b) WHERE e.line = $line
RETURN f.id AS src, label(e) AS type, b.id AS dst, b.name AS dstName, b.module AS dstModule,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
