// Every import out of a project's files.
// Parameters: $id (project id).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(:Repo)-[:CONTAINS]->(f:File)
MATCH (f)-[e:IMPORTS]->(b)
RETURN f.id AS src, 'IMPORTS' AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
