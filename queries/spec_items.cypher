// The spec items of a project, with how many symbols or files implement each.
// Parameters: $id (project id). Columns: id, source, ref, title, description, priority, status, path, line,
// headingPath, implementations.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x:SpecItem)
OPTIONAL MATCH (x)-[e:IMPLEMENTED_BY]->(t)
RETURN x.id AS id, x.source AS source, x.ref AS ref, x.title AS title, x.description AS description,
       x.priority AS priority, x.status AS status, x.path AS path, x.line AS line, x.headingPath AS headingPath,
       count(t) AS implementations
ORDER BY path, line
