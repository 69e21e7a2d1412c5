// The repos and files of a project, for its graph.
// Parameters: $id (project id). Columns: repo, repoName, id, path, lang, loc (id is null for an empty repo).
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
OPTIONAL MATCH (r)-[:CONTAINS]->(f:File)
RETURN r.id AS repo, r.name AS repoName, f.id AS id, f.path AS path, f.lang AS lang, f.loc AS loc
ORDER BY repo, path
