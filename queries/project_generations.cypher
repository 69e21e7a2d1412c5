// The write generation of each repo of a project: every write to a repo bumps it, so equal
// answers mean that a view built from the project's files and edges is still current.
// Parameters: $id (project id). Columns: id, generation.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
RETURN r.id AS id, r.generation AS generation
ORDER BY id
