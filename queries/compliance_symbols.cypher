// Every symbol of a project with what compliance rules look at.
// Parameters: $id (project id). Columns: id, name, qualifiedName, kind, exported, lang, line.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (s:Symbol) WHERE s.id STARTS WITH ('sym:' + r.id + ':')
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind, s.exported AS exported,
       s.lang AS lang, s.line AS line
