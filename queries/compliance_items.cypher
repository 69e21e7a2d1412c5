// The spec items and tasks of a project's files.
// Parameters: $id (project id). Columns: id, label, status, title, kind.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x)
RETURN x.id AS id, CASE WHEN x.id STARTS WITH 'spec:' THEN 'SpecItem' ELSE 'Task' END AS label,
       x.status AS status, x.title AS title, x.kind AS kind
