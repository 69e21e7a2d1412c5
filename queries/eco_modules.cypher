// The files of a repo with their import names, found by id prefix (`file:<repo-id>:`).
// Parameters: $prefix. Columns: id, module.
MATCH (f:File)
WHERE f.id STARTS WITH $prefix
RETURN f.id AS id, f.module AS module
