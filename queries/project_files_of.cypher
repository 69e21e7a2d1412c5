// Some files of the repos, as project_files.cypher answers them; a file that is gone has no row.
// Parameters: $ids (file ids). Columns: repo, id, path, lang.
MATCH (r:Repo)-[:CONTAINS]->(f:File)
WHERE f.id IN $ids
RETURN r.id AS repo, f.id AS id, f.path AS path, f.lang AS lang
