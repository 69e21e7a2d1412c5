// What search candidates are derived from: every file's id and content hash. Symbol names and
// file paths change only when one of these does, so equal answers mean a cached index is current.
// Parameters: none. Columns: id, hash.
MATCH (f:File)
RETURN f.id AS id, f.hash AS hash
