// Every call, use and base out of a project's symbols (found by id prefix, see project_repos.cypher).
// Parameters: $id (project id).
// Columns: src, type, dst, line, column, resolution, candidates, confidence, alias.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (a:Symbol) WHERE a.id STARTS WITH ('sym:' + r.id + ':')
MATCH (a)-[e:CALLS|USES|EXTENDS]->(b)
RETURN a.id AS src, label(e) AS type, b.id AS dst,
       e.line AS line, e.`column` AS `column`, e.resolution AS resolution, e.candidates AS candidates,
       e.confidence AS confidence, e.alias AS alias
