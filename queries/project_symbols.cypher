// Every symbol of a project (found by id prefix, see project_repos.cypher), for its graph.
// Parameters: $id (project id). Columns: id, name, qualifiedName, kind, line, column, lang.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (s:Symbol) WHERE s.id STARTS WITH ('sym:' + r.id + ':')
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind, s.line AS line,
       s.`column` AS `column`, s.lang AS lang
