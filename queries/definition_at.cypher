// The name under a position in one statement (queries/graph.py, definition): the file, the dependency
// edges written on the line (those of its symbols and its imports; the caller picks the one under
// the column), and both ends of each. Four lookups before (the file, refs_at.cypher, the ends'
// symbols, their files): each statement costs LadybugDB a plan and a round trip.
// Rows: part 0, one, the file itself in the dst* columns (dstRepo its repo) and `deep`, whether its
// DEFINES tree goes past the 20 levels walked here (the caller then asks refs_at.cypher, which finds
// the symbols by id prefix as Neo4j does, but reads every Symbol id on LadybugDB: 4-5 ms on Django);
// part 1, an edge of a symbol of the file (src* its symbol's fields); part 2, an import of the file.
// The symbols are collected before their edges are matched: matched in one pattern, LadybugDB plans
// the edge scan first (9 ms against 2). dstRepo is null on edges: the caller splits it from the id.
// UNION ALL needs typed nulls (CAST).
// Parameters: $file (file id), $line ($prefix is for the Neo4j variant).
// Columns: part, deep, src, type, dst, line, column, resolution, candidates, confidence, alias,
// srcName, srcQualifiedName, srcKind, srcSignature, srcDoc, srcLine, srcColumn, srcRangeStart, srcRangeEnd,
// srcExported, srcLang, dstName, dstQualifiedName, dstKind, dstSignature, dstDoc, dstLine,
// dstColumn, dstRangeStart, dstRangeEnd, dstExported, dstLang, dstModule, dstRepo, dstPath, dstLoc, dstSize,
// dstHash, dstParseErrors.
MATCH (r:Repo)-[:CONTAINS]->(f:File {id: $file})
RETURN 0 AS part, EXISTS { MATCH (f)-[:DEFINES*20..20]->(:Symbol) } AS deep, f.id AS src, CAST(NULL AS STRING) AS type, CAST(NULL AS STRING) AS dst,
       CAST(NULL AS INT64) AS line, CAST(NULL AS INT64) AS `column`, CAST(NULL AS STRING) AS resolution,
       CAST(NULL AS INT64) AS candidates, CAST(NULL AS DOUBLE) AS confidence, CAST(NULL AS STRING) AS alias,
       CAST(NULL AS STRING) AS srcName, CAST(NULL AS STRING) AS srcQualifiedName, CAST(NULL AS STRING) AS srcKind,
       CAST(NULL AS STRING) AS srcSignature, CAST(NULL AS STRING) AS srcDoc, CAST(NULL AS INT64) AS srcLine,
       CAST(NULL AS INT64) AS srcColumn, CAST(NULL AS STRING) AS srcRangeStart, CAST(NULL AS STRING) AS srcRangeEnd,
       CAST(NULL AS BOOL) AS srcExported, CAST(NULL AS STRING) AS srcLang,
       CAST(NULL AS STRING) AS dstName, CAST(NULL AS STRING) AS dstQualifiedName,
       CAST(NULL AS STRING) AS dstKind, CAST(NULL AS STRING) AS dstSignature, CAST(NULL AS STRING) AS dstDoc,
       CAST(NULL AS INT64) AS dstLine, CAST(NULL AS INT64) AS dstColumn, CAST(NULL AS STRING) AS dstRangeStart,
       CAST(NULL AS STRING) AS dstRangeEnd, CAST(NULL AS BOOL) AS dstExported, f.lang AS dstLang,
       f.module AS dstModule, r.id AS dstRepo, f.path AS dstPath, f.loc AS dstLoc, f.size AS dstSize,
       f.hash AS dstHash, f.parseErrors AS dstParseErrors
UNION ALL
MATCH (f:File {id: $file})-[:DEFINES*1..20]->(s:Symbol)
WITH collect(s) AS defined
UNWIND defined AS a
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b) WHERE e.line = $line
RETURN 1 AS part, CAST(NULL AS BOOL) AS deep, a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias,
       a.name AS srcName, a.qualifiedName AS srcQualifiedName, a.kind AS srcKind, a.signature AS srcSignature,
       a.doc AS srcDoc, a.line AS srcLine, a.`column` AS srcColumn, a.rangeStart AS srcRangeStart,
       a.rangeEnd AS srcRangeEnd, a.exported AS srcExported, a.lang AS srcLang,
       b.name AS dstName, b.qualifiedName AS dstQualifiedName, b.kind AS dstKind,
       b.signature AS dstSignature, b.doc AS dstDoc, b.line AS dstLine, b.`column` AS dstColumn,
       b.rangeStart AS dstRangeStart, b.rangeEnd AS dstRangeEnd, b.exported AS dstExported, b.lang AS dstLang,
       b.module AS dstModule, CAST(NULL AS STRING) AS dstRepo, b.path AS dstPath, b.loc AS dstLoc, b.size AS dstSize,
       b.hash AS dstHash, b.parseErrors AS dstParseErrors
UNION ALL
MATCH (f:File {id: $file})-[e:IMPORTS]->(b) WHERE e.line = $line
RETURN 2 AS part, CAST(NULL AS BOOL) AS deep, f.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias,
       CAST(NULL AS STRING) AS srcName, CAST(NULL AS STRING) AS srcQualifiedName, CAST(NULL AS STRING) AS srcKind,
       CAST(NULL AS STRING) AS srcSignature, CAST(NULL AS STRING) AS srcDoc, CAST(NULL AS INT64) AS srcLine,
       CAST(NULL AS INT64) AS srcColumn, CAST(NULL AS STRING) AS srcRangeStart, CAST(NULL AS STRING) AS srcRangeEnd,
       CAST(NULL AS BOOL) AS srcExported, CAST(NULL AS STRING) AS srcLang,
       b.name AS dstName, b.qualifiedName AS dstQualifiedName, b.kind AS dstKind,
       b.signature AS dstSignature, b.doc AS dstDoc, b.line AS dstLine, b.`column` AS dstColumn,
       b.rangeStart AS dstRangeStart, b.rangeEnd AS dstRangeEnd, b.exported AS dstExported, b.lang AS dstLang,
       b.module AS dstModule, CAST(NULL AS STRING) AS dstRepo, b.path AS dstPath, b.loc AS dstLoc, b.size AS dstSize,
       b.hash AS dstHash, b.parseErrors AS dstParseErrors
