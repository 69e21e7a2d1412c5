// The calls, uses, bases and imports into the symbols a file defines: deps_in.cypher for a file opened
// into its symbols, anchored on the file (see open_file_deps_out.cypher).
// Parameters: $file (file id).
// Columns: src, type, dst, line, column, resolution.
MATCH (f:File {id: $file})-[:DEFINES*1..20]->(b:Symbol)<-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]-(a)
RETURN a.id AS src, type(e) AS type, b.id AS dst, e.line AS line, e.`column` AS `column`,
       e.resolution AS resolution
