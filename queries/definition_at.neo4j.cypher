// definition_at.cypher for Neo4j: its symbols found by id prefix (from its index on `id`, exact at any
// depth, so `deep` is false), type(e) for label(e), plain nulls.
// Parameters: $file (file id), $prefix (the file's symbol id prefix), $line.
// Columns: as definition_at.cypher.
MATCH (r:Repo)-[:CONTAINS]->(f:File {id: $file})
RETURN 0 AS part, false AS deep, f.id AS src, NULL AS type, NULL AS dst, NULL AS line, NULL AS `column`,
       NULL AS resolution, NULL AS candidates, NULL AS confidence, NULL AS alias,
       NULL AS srcName, NULL AS srcQualifiedName, NULL AS srcKind, NULL AS srcSignature, NULL AS srcDoc,
       NULL AS srcLine, NULL AS srcColumn, NULL AS srcRangeStart, NULL AS srcRangeEnd, NULL AS srcExported,
       NULL AS srcLang, NULL AS dstName, NULL AS dstQualifiedName, NULL AS dstKind,
       NULL AS dstSignature, NULL AS dstDoc, NULL AS dstLine, NULL AS dstColumn, NULL AS dstRangeStart,
       NULL AS dstRangeEnd, NULL AS dstExported, f.lang AS dstLang, f.module AS dstModule, r.id AS dstRepo,
       f.path AS dstPath, f.loc AS dstLoc, f.size AS dstSize, f.hash AS dstHash, f.parseErrors AS dstParseErrors
UNION ALL
MATCH (a:Symbol) WHERE a.id STARTS WITH $prefix
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b) WHERE e.line = $line
RETURN 1 AS part, NULL AS deep, a.id AS src, type(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias,
       a.name AS srcName, a.qualifiedName AS srcQualifiedName, a.kind AS srcKind, a.signature AS srcSignature,
       a.doc AS srcDoc, a.line AS srcLine, a.`column` AS srcColumn, a.rangeStart AS srcRangeStart,
       a.rangeEnd AS srcRangeEnd, a.exported AS srcExported, a.lang AS srcLang,
       b.name AS dstName, b.qualifiedName AS dstQualifiedName, b.kind AS dstKind,
       b.signature AS dstSignature, b.doc AS dstDoc, b.line AS dstLine, b.`column` AS dstColumn,
       b.rangeStart AS dstRangeStart, b.rangeEnd AS dstRangeEnd, b.exported AS dstExported, b.lang AS dstLang,
       b.module AS dstModule, NULL AS dstRepo, b.path AS dstPath, b.loc AS dstLoc, b.size AS dstSize,
       b.hash AS dstHash, b.parseErrors AS dstParseErrors
UNION ALL
MATCH (f:File {id: $file})-[e:IMPORTS]->(b) WHERE e.line = $line
RETURN 2 AS part, NULL AS deep, f.id AS src, type(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias,
       NULL AS srcName, NULL AS srcQualifiedName, NULL AS srcKind, NULL AS srcSignature, NULL AS srcDoc,
       NULL AS srcLine, NULL AS srcColumn, NULL AS srcRangeStart, NULL AS srcRangeEnd, NULL AS srcExported,
       NULL AS srcLang, b.name AS dstName, b.qualifiedName AS dstQualifiedName,
       b.kind AS dstKind, b.signature AS dstSignature, b.doc AS dstDoc, b.line AS dstLine, b.`column` AS dstColumn,
       b.rangeStart AS dstRangeStart, b.rangeEnd AS dstRangeEnd, b.exported AS dstExported, b.lang AS dstLang,
       b.module AS dstModule, NULL AS dstRepo, b.path AS dstPath, b.loc AS dstLoc, b.size AS dstSize,
       b.hash AS dstHash, b.parseErrors AS dstParseErrors
