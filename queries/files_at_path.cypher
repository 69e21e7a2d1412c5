// The files with a path, in whichever repo holds them.
// Parameters: $path. Columns: id.
MATCH (f:File {path: $path})
RETURN f.id AS id
ORDER BY id
