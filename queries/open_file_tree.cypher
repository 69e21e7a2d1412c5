// The ids of the symbols a file's DEFINES tree reaches within the bound of open_file_deps_*.cypher: the
// symbols whose edges those queries answer (any other symbol of the file is asked by id).
// Parameters: $file (file id).
// Columns: id.
MATCH (f:File {id: $file})-[:DEFINES*1..20]->(s:Symbol)
RETURN s.id AS id
