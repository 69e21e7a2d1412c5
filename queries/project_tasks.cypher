// The tasks of a project: from comments in its files and created through the API, with what they are about.
// Parameters: $id (project id). Columns: id, title, description, status, kind, labels, assignee, origin,
// path, line, createdAt, targets.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x:Task)
OPTIONAL MATCH (x)-[:IMPLEMENTED_BY]->(t)
RETURN x.id AS id, x.title AS title, x.description AS description, x.status AS status, x.kind AS kind,
       x.labels AS labels, x.assignee AS assignee, x.origin AS origin, x.path AS path, x.line AS line,
       x.createdAt AS createdAt, collect(t.id) AS targets
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_TASK]->(x:Task)
OPTIONAL MATCH (x)-[:IMPLEMENTED_BY]->(t)
RETURN x.id AS id, x.title AS title, x.description AS description, x.status AS status, x.kind AS kind,
       x.labels AS labels, x.assignee AS assignee, x.origin AS origin, x.path AS path, x.line AS line,
       x.createdAt AS createdAt, collect(t.id) AS targets
