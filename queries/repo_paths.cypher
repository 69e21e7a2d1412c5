// The paths of a repo's files (for mapping report locations onto them).
// Parameters: $repo (repo id). Columns: path.
MATCH (r:Repo {id: $repo})-[:CONTAINS]->(f:File)
RETURN f.path AS path
