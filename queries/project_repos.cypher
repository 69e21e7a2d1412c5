// The repos of a project with their file and symbol counts. Symbols are counted by id
// prefix (`sym:<repo-id>:`, the grammar in graphsvc/model.py): a DEFINES traversal from every
// file costs seconds on a Django-sized repo, the prefix scan milliseconds.
// Parameters: $id (project id). Columns: id, name, headCommit, state, lastIndexedAt, files, symbols.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
OPTIONAL MATCH (r)-[:CONTAINS]->(f:File)
WITH r, count(f) AS files
OPTIONAL MATCH (s:Symbol) WHERE s.id STARTS WITH ('sym:' + r.id + ':')
RETURN r.id AS id, r.name AS name, r.headCommit AS headCommit, r.state AS state,
       r.lastIndexedAt AS lastIndexedAt, files, count(s) AS symbols
ORDER BY id
