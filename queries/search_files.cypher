// The paths search ranks: every file.
// Parameters: none. Columns: id, path, lang.
MATCH (f:File)
RETURN f.id AS id, f.path AS path, f.lang AS lang
