// Files per project (a file id starts `file:repo:<project>/`).
// Parameters: none. Columns: scope (`file:repo:<project>`), files.
MATCH (f:File)
RETURN split_part(f.id, '/', 1) AS scope, count(*) AS files
