// Files per project (a file id starts `file:repo:<project>/`).
// Parameters: none. Columns: scope (`file:repo:<project>`), files.
MATCH (f:File)
RETURN split(f.id, '/')[0] AS scope, count(*) AS files
