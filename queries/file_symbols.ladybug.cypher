// The symbols a file defines: its DEFINES tree (file → module → definitions → members …), with
// each one's depth in it. LadybugDB indexes only primary keys, so the id-prefix scan of
// file_symbols.cypher reads every Symbol id (20-70 ms on Django); the walk from the file's key
// takes 1-3 ms. The bound is 20 levels: LadybugDB 0.22 plans bounds from 29 on about 40 times
// slower. A row at depth 20 may have members below it, so the caller then asks
// symbols_with_prefix.cypher instead (queries/graph.py, FILE_TREE_DEPTH).
// Parameters: $file (file id), $prefix (the caller keeps the rows whose id starts with it).
// Columns: id, name, qualifiedName, kind, signature, doc, line, column, rangeStart, rangeEnd, exported, lang,
// depth.
MATCH p = (f:File {id: $file})-[:DEFINES*1..20]->(s:Symbol)
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind,
       s.signature AS signature, s.doc AS doc, s.line AS line, s.`column` AS `column`,
       s.rangeStart AS rangeStart, s.rangeEnd AS rangeEnd, s.exported AS exported, s.lang AS lang,
       length(p) AS depth
