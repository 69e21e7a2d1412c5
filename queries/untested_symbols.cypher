// Exported functions, methods and classes of a project that no test calls (no incoming TESTS edge).
// Parameters: $id (project id). Columns: id, name, qualifiedName, kind, line.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (s:Symbol) WHERE s.id STARTS WITH ('sym:' + r.id + ':') AND s.exported = true
  AND s.kind IN ['Function', 'Method', 'Class', 'Constructor', 'Interface', 'Struct', 'Trait']
  AND NOT EXISTS { MATCH (:Symbol)-[:TESTS]->(s) }
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind, s.line AS line
ORDER BY id
