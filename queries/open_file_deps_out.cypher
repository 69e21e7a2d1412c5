// The calls, uses and bases out of the symbols a file defines: deps_out.cypher for a file opened into
// its symbols (queries/overview.py), anchored on the file's key and walking its DEFINES tree (bound as
// in file_symbols.ladybug.cypher), which LadybugDB answers in tens of milliseconds where deps_out asks
// each of a large file's symbols in turn. The caller keeps the rows of the symbols it shows.
// Parameters: $file (file id).
// Columns: src, type, dst, line, column, resolution.
MATCH (f:File {id: $file})-[:DEFINES*1..20]->(a:Symbol)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b)
RETURN a.id AS src, label(e) AS type, b.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution
