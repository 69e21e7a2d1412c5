// The files of some repos with their content hashes: after a repo's write, the files whose hash
// differs from the one a search index was built from are the ones whose names it must re-read.
// Parameters: $repos (repo ids). Columns: repo, id, hash.
MATCH (r:Repo)-[:CONTAINS]->(f:File)
WHERE r.id IN $repos
RETURN r.id AS repo, f.id AS id, f.hash AS hash
